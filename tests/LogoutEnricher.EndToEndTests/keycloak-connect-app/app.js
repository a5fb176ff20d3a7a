// An ordinary express application protected by Keycloak's own Node.js adapter, keycloak-connect, exactly as its
// documentation sets it up: express-session holds the grant, keycloak.middleware() mounts the adapter (including its
// Admin URL handlers /k_logout and /k_push_not_before), keycloak.protect() guards the pages. Nothing here knows about
// LogoutEnricher: keycloak.json (read from the working directory) points auth-server-url at it, and that is all.
//   node app.js <port>          prints "ready <url>" once it listens
'use strict'

const express = require('express')
const session = require('express-session')
const Keycloak = require('keycloak-connect')

const port = Number(process.argv[2] || process.env.PORT || 3000)
const memoryStore = new session.MemoryStore()
const keycloak = new Keycloak({ store: memoryStore })

const app = express()
app.use(session({
  secret: process.env.SESSION_SECRET || require('crypto').randomBytes(32).toString('hex'),
  resave: false,
  saveUninitialized: true,
  store: memoryStore
}))
app.use(keycloak.middleware())

// Who is logged in, and in which express session (the id keycloak-connect sent as client_session_state).
app.get('/', keycloak.protect(), (request, response) => {
  const idToken = request.kauth.grant.id_token.content
  response.type('text/html').send(
    `<p id="status">Logged in as ${escape(idToken.preferred_username)}</p>` +
    `<p>express session <code id="session">${escape(request.session.id)}</code></p>`)
})

app.get('/me', keycloak.protect(), (request, response) => {
  const idToken = request.kauth.grant.id_token.content
  response.json({ user: idToken.preferred_username, sub: idToken.sub, sid: idToken.sid, session: request.session.id })
})

function escape (text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

app.listen(port, '127.0.0.1', () => console.log(`ready http://127.0.0.1:${port}`))
