namespace LogoutEnricher.Diagnostics;

/// <summary>
/// Every log event id LogoutEnricher writes, in one table (YARP's <c>Utilities/EventIds.cs</c> style). Operators alert
/// on these numbers, so an id never changes meaning and never moves once released; a new event takes the next free
/// number in its feature's range. The "Log events" table of docs/operations.md lists them (<c>OperationsDocumentTests</c>
/// checks it); <c>EventIdsTests</c> fails when two events share an id or an event is missing from this table.
/// </summary>
/// <remarks>
/// Note: it lives in the storage abstractions because every product assembly references them: the host and each
/// storage backend log from one table, and no backend references the host. Reserved ranges:
/// 1000-1999 Capture; 2000-2999 logout pipeline; 3000-3999 Delivery and outbox; 4000-4999 Signing;
/// 5000-5999 Storage (5000-5099 host side, 5100-5199 SQLite, 5200-5299 Redis, 5300-5399 PostgreSQL,
/// 5400-5499 durability checks); 6000-6999 Providers (issuer keys); 7000-7999 Admin URL pushes and fan-out;
/// 8000-8999 Keycloak Admin API reconciliation and doctor; 9000-9099 Audit; 10000-10999 hosting, health, startup and
/// console; 11000-11999 hardening.
/// </remarks>
public static class EventIds
{
    // Retired, never to be reused: 1102 CaptureFailed, 2010 ReplayClaimNotReleased, 3005 OutboxStoreFailed,
    // 4101 SigningKeysRefreshFailed, 5002 StoragePurgeFailed, 5005 SessionIdentitiesProtectDeferred, 7103 AdminPushLost,
    // 7205 FanOutStoreFailed and 8122 ReconciliationStoreFailed: every store failure is now logged once by
    // StoreFailures as 5003 StoreOperationFailed.

    // 1000-1999 Capture
    public const int SessionHostDropped = 1002;
    public const int CaptureSkippedNoSession = 1101;
    public const int CaptureSkippedForeignIssuer = 1103;
    public const int ForwardingFailed = 1201;
    public const int ForwardingHostRefused = 1202;

    // 2000-2999 logout pipeline
    public const int LogoutTokenRejected = 2001;
    public const int LogoutFailed = 2003;
    public const int AppSessionUndecryptable = 2101;
    public const int SessionsWithoutHostDropped = 2102;

    // 3000-3999 Delivery and outbox
    public const int DispatcherStarted = 3001;
    public const int OutboxEntryDelivered = 3002;
    public const int DeliveryRetryScheduled = 3003;
    public const int DeliveryDeadLettered = 3004;
    public const int DeliveryAttemptFailedUnexpectedly = 3006;
    public const int OutboxLeasesTakenBack = 3010;
    public const int ReplicaIdentityNotPersisted = 3011;

    // 4000-4999 Signing
    public const int SigningKeyGenerated = 4001;
    public const int SigningKeyLoaded = 4002;
    public const int SigningKeyActivated = 4003;

    // 5000-5999 Storage
    public const int StoragePurged = 5001;
    public const int StoreOperationFailed = 5003;
    public const int SessionIdentitiesProtected = 5004;
    public const int SqliteMigrationApplied = 5100;
    public const int SqliteWriteProbeFailed = 5150;
    public const int SqliteDatabaseRecreated = 5151;
    public const int SqliteWritesRecovered = 5152;
    public const int RedisPendingSetsBackfilled = 5200;
    public const int RedisPendingSetsBackfillDeferred = 5201;
    public const int PostgreSqlMigrationApplied = 5300;
    public const int StorageDurabilityConfirmed = 5400;
    public const int StorageNotDurable = 5401;
    public const int StorageDurabilityCheckFailed = 5402;
    public const int StorageNotDurableRefused = 5403;

    // 6000-6999 Providers (issuer keys)
    public const int ProviderKeysRefreshed = 6001;
    public const int ProviderKeysUnavailable = 6002;
    public const int ProviderStaleKeysUsed = 6003;
    public const int ProviderKeysRecovered = 6004;
    public const int ProviderKeyLoadFailed = 6005;

    // 7000-7999 Admin URL pushes and fan-out
    public const int RealmKeySetServedStale = 7001;
    public const int RealmKeySetRecovered = 7002;
    public const int RealmKeySetKeyIdCollided = 7003;
    public const int RealmKeySetKeyFetchLooped = 7004;
    public const int AdminPushAccepted = 7101;
    public const int AdminPushRejected = 7102;
    public const int FanOutJobStarted = 7201;
    public const int FanOutJobDone = 7202;
    public const int FanOutJobFailed = 7203;
    public const int FanOutLeaseLost = 7204;

    // 8000-8999 Keycloak Admin API reconciliation and doctor
    public const int ServiceAccountTokenObtained = 8001;
    public const int ServiceAccountTokenRefused = 8002;
    public const int AdminApiCallFailed = 8003;
    public const int SessionDeletedEventHandled = 8101;
    public const int ClientSessionsReconciled = 8111;
    public const int ReconciliationUndecided = 8112;
    public const int ReconciliationListingShort = 8113;
    public const int ExpiryEventPollFailed = 8121;
    public const int ReconciliationLeaseLost = 8123;
    public const int SilentlyEndedSessionLoggedOut = 8201;
    public const int UserLogoutCompleted = 8202;
    public const int UserLogoutUndecided = 8203;
    public const int UserLogoutCheckDropped = 8204;
    public const int UserLogoutCheckFailed = 8205;
    public const int DoctorRan = 8300;
    public const int ConfigFindingFrontChannelLogoutOn = 8301;
    public const int ConfigFindingBackChannelUrlNotLogoutEnricher = 8302;
    public const int ConfigFindingBackChannelUrlOfOtherClient = 8303;
    public const int ConfigFindingSessionNotRequired = 8304;
    public const int ConfigFindingAdminUrlNotLogoutEnricher = 8305;
    public const int ConfigFindingExpiryEventsNotStored = 8306;
    public const int ConfigFindingClientUnknown = 8307;
    public const int ConfigFindingAdminApiUnavailable = 8308;

    // 9000-9099 Audit (a contract: see AuditLog)
    public const int SessionCaptured = 9001;
    public const int LogoutProcessed = 9002;
    public const int LogoutDelivered = 9003;

    // 10000-10999 hosting, health, startup and console
    public const int ReadinessCheckFailing = 10001;
    public const int ReadinessCheckRecovered = 10002;
    public const int BackgroundTurnFailed = 10020;
    public const int UnknownSettingIgnored = 10030;
    public const int TrailWritesDropped = 10040;
    public const int TrailPurged = 10041;
    public const int MetricsScrapeFailed = 10050;
    public const int ConsoleSignedIn = 10201;
    public const int ConsoleDeadLettersRetried = 10203;
    public const int ConsoleSignInForbidden = 10204;
    public const int ConsoleOidcSignInFailed = 10205;
    public const int CredentialsRefused = 10206;
    public const int KeyRingElementSkipped = 10210;

    // 11000-11999 hardening
    public const int CaptureSkipped = 11001;
    public const int TokenRequestBodyRejected = 11002;
    public const int UpstreamAnswerBrokeOff = 11003;
}
