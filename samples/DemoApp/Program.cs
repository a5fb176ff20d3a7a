// A small application that logs in through LogoutEnricher and ends its own sessions when an enriched back-channel
// logout names them. Read DemoApplication.cs first.
DemoApp.DemoApplication.Create(args).Run();
