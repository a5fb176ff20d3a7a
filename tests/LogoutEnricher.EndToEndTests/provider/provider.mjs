// A real, certified OpenID provider (oidc-provider) for LogoutEnricher's end-to-end tests. Started by the tests:
//   node provider.mjs <port> <clients-json> [<roles-json>]
// where clients-json is an array of {client_id, client_secret, redirect_uris, post_logout_redirect_uris,
// backchannel_logout_uri, access_token_audience?}, and roles-json maps an account (the login typed) to its realm
// roles. A client with access_token_audience gets JWT access tokens for that audience carrying the account's roles
// as Keycloak shapes them (realm_access.roles); the others get opaque ones. It prints "ready <issuer>" once it listens.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';

const [port, clientsJson, rolesJson] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const roles = JSON.parse(rolesJson ?? '{}');
const audiences = new Map();

const clients = JSON.parse(clientsJson).map(({ access_token_audience: audience, ...client }) => {
  if (audience) audiences.set(client.client_id, audience);
  return client;
}).map((client) => ({
  ...client,
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_post',
  // OIDC Back-Channel Logout 1.0 §2.2: the logout token (and the ID token) carry sid.
  backchannel_logout_session_required: true,
}));

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [{ ...signingKey, kid: 'e2e-rs256', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  features: {
    devInteractions: { enabled: true }, // plain HTML login and consent forms the tests submit over HTTP
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
    // RFC 8707: the resource is the client's audience, requested for it by default and used when its code is redeemed.
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, client, oneOf) => oneOf ?? (audiences.has(client.clientId) ? `urn:${audiences.get(client.clientId)}` : undefined),
      useGrantedResource: (ctx) => audiences.has(ctx.oidc.client?.clientId),
      getResourceServerInfo: (_ctx, resource, client) => {
        if (resource !== `urn:${audiences.get(client.clientId)}`) throw new errors.InvalidTarget();
        return { scope: 'roles', audience: audiences.get(client.clientId), accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  extraTokenClaims: (_ctx, token) =>
    token.kind === 'AccessToken' && roles[token.accountId] ? { realm_access: { roles: roles[token.accountId] } } : undefined,
  // Note: oidc-provider refuses to call loopback addresses (an SSRF guard on its fetch dispatcher); everything in
  // this test lives on 127.0.0.1, so the guard's dispatcher is dropped.
  fetch: (url, options) => {
    delete options.dispatcher;
    return globalThis.fetch(url, options);
  },
});

provider.on('backchannel.error', (_ctx, error, client) => console.error(`backchannel.error ${client.clientId}: ${error.message}`));
provider.on('server_error', (_ctx, error) => console.error(`server_error: ${error.stack}`));

provider.listen(Number(port), '127.0.0.1', () => console.log(`ready ${issuer}`));
