using Reach.Mcp.Connectors;

namespace Reach.Cli.Commands;

/// <summary><c>reach connector add|pin|list|inspect|remove</c>: the MCP servers the gateway fronts, and their pinned tools.</summary>
internal static class ConnectorCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var connector = new Command("connector", "Manage MCP connectors: servers the gateway fronts, with their tools pinned by digest.\n\nExample:\n  reach connector add fs -- npx @modelcontextprotocol/server-filesystem /srv/notes\n  reach connector pin fs");
        connector.Subcommands.Add(Add(environment));
        connector.Subcommands.Add(Pin(environment));
        connector.Subcommands.Add(List(environment));
        connector.Subcommands.Add(Inspect(environment));
        connector.Subcommands.Add(Remove(environment));
        return connector;
    }

    internal static ConnectorStore Store(CliEnvironment environment) => new(environment.Home);

    private static Command Add(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "The connector's name; its tools are <name>/<tool> in policies" };
        var command = new Argument<string[]>("command") { Description = "After --: the stdio server's command and arguments (run without a shell)", Arity = ArgumentArity.ZeroOrMore };
        var url = new Option<string?>("--url") { Description = "A Streamable HTTP server's URL instead of a command" };
        var env = new Option<string[]>("--env") { Description = "Pass this variable from your environment to the server (by name; its value is never stored)", AllowMultipleArgumentsPerToken = false };
        var add = new Command("add", "Register an MCP server.\n\nExamples:\n  reach connector add fs -- npx -y @modelcontextprotocol/server-filesystem /srv/notes\n  reach connector add search --url http://127.0.0.1:9000/mcp\n  reach connector add gh --env GITHUB_TOKEN -- github-mcp-server stdio")
        {
            name, command, url, env,
        };
        add.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var argv = parse.GetValue(command) ?? [];
            var entry = new Connector
            {
                Name = parse.GetValue(name)!,
                Command = argv.Length > 0 ? argv[0] : null,
                Args = argv.Length > 1 ? argv[1..] : [],
                Url = parse.GetValue(url),
                Env = parse.GetValue(env) ?? [],
            };
            Store(environment).Add(entry);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    WriteConnector(w, entry, null);
                });
            }
            else
            {
                context.Line($"[green]added[/]        {CommandContext.Escape(entry.Name)} ({entry.Transport})");
                context.Plain($"next: {context.Invoked} connector pin {entry.Name}");
            }

            return 0;
        });
        return add;
    }

    private static Command Pin(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "The connector" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for the server to start and list its tools (default 60)", DefaultValueFactory = _ => 60 };
        var command = new Command("pin", "Start the server, list its tools and pin each definition (name, description, input schema, annotations) by digest.\n\nExample:\n  reach connector pin fs") { name, timeout };
        command.SetAction(parse => PinAsync(new CommandContext(parse, environment), parse.GetValue(name)!, parse.GetValue(timeout), CancellationToken.None).GetAwaiter().GetResult());
        return command;
    }

    private static async Task<int> PinAsync(CommandContext context, string name, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var store = Store(context.Environment);
        var connector = store.Get(name);
        var before = store.FindPins(name);
        ConnectorPins pins;
        using (var progress = new ProgressLine(context, $"pinning {name}: starting its server and listing its tools (up to {timeoutSeconds.ToString(CultureInfo.InvariantCulture)} s)"))
        {
            pins = await ConnectorPinner.PinAsync(connector, context.Environment.Get, TimeSpan.FromSeconds(Math.Max(1, timeoutSeconds)), cancellationToken).ConfigureAwait(false);
            progress.Succeeded();
        }

        context.Timing($"pinned {name}");
        store.SavePins(pins);
        var changes = new List<(string Tool, string Change)>();
        foreach (var tool in pins.Tools)
        {
            var old = before?.Find(tool.Name);
            if (before is not null && old is null)
            {
                changes.Add((tool.Name, "added"));
            }
            else if (old is not null && old.Digest != tool.Digest)
            {
                changes.Add((tool.Name, "changed"));
            }
        }

        foreach (var old in before?.Tools ?? [])
        {
            if (pins.Find(old.Name) is null)
            {
                changes.Add((old.Name, "removed"));
            }
        }

        if (context.Json)
        {
            context.WriteJson(w =>
            {
                w.WriteBoolean("ok", true);
                w.WriteString("connector", pins.Connector);
                w.WriteString("server", pins.Server);
                w.WriteString("pins", store.PinsPath(name));
                w.WriteBoolean("changed", before is null || changes.Count > 0 || before.Server != pins.Server);
                w.WriteStartArray("tools");
                foreach (var tool in pins.Tools)
                {
                    w.WriteStartObject();
                    w.WriteString("name", name + "/" + tool.Name);
                    w.WriteString("digest", tool.Digest);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteStartArray("changes");
                foreach (var (tool, change) in changes)
                {
                    w.WriteStartObject();
                    w.WriteString("tool", name + "/" + tool);
                    w.WriteString("change", change);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
            return 0;
        }

        if (before is not null && changes.Count == 0 && before.Server == pins.Server)
        {
            context.Line($"[green]pinned[/]       no changes: {Plural.Of(pins.Tools.Count, "tool")} of {CommandContext.Escape(name)} as pinned before ({CommandContext.Escape(pins.Server)})");
            return 0;
        }

        context.Line($"[green]pinned[/]       {Plural.Of(pins.Tools.Count, "tool")} of {CommandContext.Escape(name)} ({CommandContext.Escape(pins.Server)})");
        foreach (var tool in pins.Tools)
        {
            context.Plain($"  {name + "/" + tool.Name,-40} {tool.Digest[..19]}…");
        }

        foreach (var (tool, change) in changes)
        {
            context.Plain($"  {change,-8} {name}/{tool}");
        }

        context.Plain($"next: {context.Invoked} connector inspect {name}");
        return 0;
    }

    private static Command List(CliEnvironment environment)
    {
        var command = new Command("list", "List the connectors and how many tools each has pinned.\n\nExample:\n  reach connector list");
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var store = Store(environment);
            var connectors = store.List();
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteStartArray("connectors");
                    foreach (var connector in connectors)
                    {
                        w.WriteStartObject();
                        WriteConnector(w, connector, store.FindPins(connector.Name));
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return 0;
            }

            if (connectors.Count == 0)
            {
                context.Plain("no connectors yet");
                context.Plain($"next: {context.Invoked} connector add NAME -- COMMAND [ARGS…]");
            }

            foreach (var connector in connectors)
            {
                var pins = store.FindPins(connector.Name);
                context.Plain($"{connector.Name,-16}{connector.Transport,-6}{(pins is null ? "not pinned" : pins.Tools.Count.ToString(CultureInfo.InvariantCulture) + " tools pinned"),-18}{Target(connector)}");
            }

            return 0;
        });
        return command;
    }

    private static Command Inspect(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "The connector" };
        var command = new Command("inspect", "Show a connector's pinned tools: what each can do by its annotations and schema, and a risk level.\n\nExample:\n  reach connector inspect fs") { name };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var store = Store(environment);
            var connector = store.Get(parse.GetValue(name)!);
            var pins = store.FindPins(connector.Name);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    WriteConnector(w, connector, pins);
                    w.WriteStartArray("tools");
                    foreach (var tool in pins?.Tools ?? [])
                    {
                        var permissions = ToolDefinition.Permissions(tool.Definition);
                        var (properties, required) = ToolDefinition.Arguments(tool.Definition);
                        w.WriteStartObject();
                        w.WriteString("name", connector.Name + "/" + tool.Name);
                        w.WriteString("risk", ToolDefinition.Risk(permissions));
                        WriteList(w, "permissions", permissions);
                        WriteList(w, "arguments", properties);
                        WriteList(w, "required", required);
                        w.WriteString("description", tool.Definition.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null);
                        w.WriteString("digest", tool.Digest);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                });
                return 0;
            }

            context.Line($"[bold]{CommandContext.Escape(connector.Name)}[/]  {connector.Transport}  {CommandContext.Escape(Target(connector))}");
            if (connector.Env.Count > 0)
            {
                context.Plain($"env          {string.Join(", ", connector.Env)} (names only; values come from your environment)");
            }

            if (pins is null)
            {
                context.Plain("not pinned");
                context.Plain($"next: {context.Invoked} connector pin {connector.Name}");
                return 0;
            }

            context.Plain($"server       {pins.Server}");
            foreach (var tool in pins.Tools)
            {
                var permissions = ToolDefinition.Permissions(tool.Definition);
                var (properties, required) = ToolDefinition.Arguments(tool.Definition);
                var risk = ToolDefinition.Risk(permissions);
                var color = risk switch { "high" => "red", "medium" => "yellow", _ => "green" };
                context.Line($"  [{color}]{risk,-6}[/] [bold]{CommandContext.Escape(connector.Name + "/" + tool.Name)}[/]  [grey]{CommandContext.Escape(string.Join(", ", permissions))}[/]");
                var args = properties.Select(p => required.Contains(p) ? p + "*" : p);
                context.Plain($"         args: {string.Join(", ", args)}");
                if (tool.Definition.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
                {
                    var text = description.GetString()!.ReplaceLineEndings(" ");
                    context.Plain($"         {(text.Length > 110 ? text[..110] + "…" : text)}");
                }
            }

            context.Plain("risk: high = destructive, or writes to an open world; medium = writes, or reaches an open world; low = reads a closed world (by the server's annotations)");
            return 0;
        });
        return command;
    }

    private static Command Remove(CliEnvironment environment)
    {
        var name = new Argument<string>("name") { Description = "The connector" };
        var command = new Command("remove", "Remove a connector and its pins.\n\nExample:\n  reach connector remove fs") { name };
        command.SetAction(parse =>
        {
            var context = new CommandContext(parse, environment);
            var connector = parse.GetValue(name)!;
            Store(environment).Remove(connector);
            if (context.Json)
            {
                context.WriteJson(w =>
                {
                    w.WriteBoolean("ok", true);
                    w.WriteString("removed", connector);
                });
            }
            else
            {
                context.Line($"[green]removed[/]      {CommandContext.Escape(connector)}");
            }

            return 0;
        });
        return command;
    }

    private static string Target(Connector connector) => connector.Url ?? string.Join(' ', [connector.Command!, .. connector.Args]);

    private static void WriteConnector(Utf8JsonWriter w, Connector connector, ConnectorPins? pins)
    {
        w.WriteString("name", connector.Name);
        w.WriteString("transport", connector.Transport);
        if (connector.Command is not null)
        {
            w.WriteString("command", connector.Command);
            WriteList(w, "args", connector.Args);
        }

        if (connector.Url is not null)
        {
            w.WriteString("url", connector.Url);
        }

        WriteList(w, "env", connector.Env);
        w.WriteBoolean("pinned", pins is not null);
        if (pins is not null)
        {
            w.WriteNumber("pinned_tools", pins.Tools.Count);
            w.WriteString("server", pins.Server);
        }
    }

    private static void WriteList(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items)
        {
            w.WriteStringValue(item);
        }

        w.WriteEndArray();
    }
}
