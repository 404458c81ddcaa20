namespace Reach.Runner;

/// <summary>
/// The runner's log lines, source-generated. They name tenants, ids, packs, tools, gates and codes: never a token, an
/// input or output, a policy's text, or a server path.
/// </summary>
internal static partial class RunnerLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Session {SessionId} opened for tenant {Tenant} on pack {Pack}@{Version}")]
    public static partial void SessionOpened(ILogger logger, string sessionId, string tenant, string pack, string version);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Session {SessionId} of tenant {Tenant} closed: {Status}, {Events} events, fingerprint {Fingerprint}")]
    public static partial void SessionClosed(ILogger logger, string sessionId, string tenant, string status, long events, string fingerprint);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Session {SessionId} of tenant {Tenant}: {Tool} denied by the {Gate} gate ({Code})")]
    public static partial void CallDenied(ILogger logger, string sessionId, string tenant, string tool, string gate, string code);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Store failure {Code} (trace {TraceId}): {Detail}")]
    public static partial void StoreFailed(ILogger logger, string code, string traceId, string detail);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "The store cannot be reached: {ExceptionType}")]
    public static partial void StoreUnreachable(ILogger logger, string exceptionType);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Route} (trace {TraceId}): {Detail}\n{StackTrace}")]
    public static partial void Unexpected(ILogger logger, string method, string route, string traceId, string detail, string stackTrace);
}
