using ModelContextProtocol.Client;

namespace Reach.Mcp.Connectors;

/// <summary>Builds the SDK client transport that reaches a connector's server.</summary>
public static class UpstreamTransport
{
    /// <summary>
    /// A stdio transport (the command started with an argument list, never a shell, with each <c>--env</c> variable's
    /// value read from <paramref name="environment"/>) or a Streamable HTTP transport. REACH-6005 when a variable is unset.
    /// </summary>
    public static IClientTransport Create(Connector connector, Func<string, string?> environment, Action<string>? standardError = null)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(environment);
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in connector.Env)
        {
            variables[name] = environment(name)
                ?? throw new ReachException(ErrorCatalog.McpEnvMissing, $"The connector '{connector.Name}' passes the variable {name} to its server, but it is not set.");
        }

        if (connector.Url is { } url)
        {
            return new HttpClientTransport(new HttpClientTransportOptions
            {
                Endpoint = new Uri(url),
                Name = connector.Name,
                TransportMode = HttpTransportMode.StreamableHttp,
            });
        }

        return new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = connector.Command!,
            Arguments = [.. connector.Args],
            Name = connector.Name,
            EnvironmentVariables = variables,
            StandardErrorLines = standardError ?? (_ => { }),
            ShutdownTimeout = TimeSpan.FromSeconds(2),
        });
    }
}
