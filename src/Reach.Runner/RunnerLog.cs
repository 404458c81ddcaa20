namespace Reach.Runner;

/// <summary>
/// The runner's log lines, source-generated. They name tenants, ids, packs, tools, gates and codes: never a token, an
/// input or output, a policy's text, or a server path.
/// </summary>
internal static partial class RunnerLog
{
    [LoggerMessage(EventId = 4103, Level = LogLevel.Error, Message = "Store failure {Code} (trace {TraceId}): {Detail}")]
    public static partial void StoreFailed(ILogger logger, string code, string traceId, string detail);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Error, Message = "Unexpected error answering {Method} {Route} (trace {TraceId}): {Detail}\n{StackTrace}")]
    public static partial void Unexpected(ILogger logger, string method, string route, string traceId, string detail, string stackTrace);
}
