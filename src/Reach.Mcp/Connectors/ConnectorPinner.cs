using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Reach.Mcp.Connectors;

/// <summary>Starts a connector's server with the SDK's client, lists its tools and pins each one's definition.</summary>
public static class ConnectorPinner
{
    private const int MaxPages = 100;

    /// <summary>The pins of the tools the server offers now; REACH-6020 when it cannot be started or listed.</summary>
    public static async Task<ConnectorPins> PinAsync(Connector connector, Func<string, string?> environment, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var transport = UpstreamTransport.Create(connector, environment);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var client = await McpClient.CreateAsync(transport, new McpClientOptions
            {
                ClientInfo = new Implementation { Name = "reach-connector-pin", Version = "1.0.0" },
                InitializationTimeout = timeout,
            }, cancellationToken: deadline.Token).ConfigureAwait(false);
            await using (client.ConfigureAwait(false))
            {
                var tools = new SortedDictionary<string, PinnedTool>(StringComparer.Ordinal);
                string? cursor = null;
                var page = 0;
                do
                {
                    var response = await client.SendRequestAsync(new JsonRpcRequest
                    {
                        Id = new RequestId("reach-pin-" + page.ToString(CultureInfo.InvariantCulture)),
                        Method = RequestMethods.ToolsList,
                        Params = cursor is null ? null : new JsonObject { ["cursor"] = cursor },
                    }, deadline.Token).ConfigureAwait(false);
                    if (response.Result is not JsonObject result || result["tools"] is not JsonArray list)
                    {
                        throw new ReachException(ErrorCatalog.McpServerGarbage, $"The server of '{connector.Name}' answered tools/list without a list of tools.");
                    }

                    foreach (var tool in list)
                    {
                        if (ToolDefinition.Project(tool) is { } projection)
                        {
                            var name = ToolDefinition.Name(projection);
                            tools[name] = new PinnedTool { Name = name, Digest = ToolDefinition.Digest(projection), Definition = projection };
                        }
                    }

                    cursor = result["nextCursor"] is JsonValue next && next.GetValueKind() == JsonValueKind.String ? next.GetValue<string>() : null;
                }
                while (cursor is not null && ++page < MaxPages);

                var info = client.ServerInfo;
                return new ConnectorPins
                {
                    Connector = connector.Name,
                    Server = info is null ? null : $"{info.Name}@{info.Version}",
                    Tools = [.. tools.Values],
                };
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ReachException(ErrorCatalog.McpServerTimeout, $"The server of '{connector.Name}' did not start and list its tools within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
        catch (Exception ex) when (ex is not ReachException and not OperationCanceledException)
        {
            throw new ReachException(ErrorCatalog.McpServerStartFailed, $"The server of '{connector.Name}' could not be started or listed: {ex.Message}");
        }
    }
}
