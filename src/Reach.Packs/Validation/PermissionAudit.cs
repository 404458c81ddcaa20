using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Packs.Validation;

/// <summary>
/// What a pack can do once it runs, in plain words. Only calls that pass Core's gate count: a step whose tool is
/// declared with every permission it needs. Targets are what the steps name (programs, paths) and, for the network,
/// the hosts on the allow-list, since a URL may come from an input.
/// </summary>
internal static class PermissionAudit
{
    public static PackAudit Audit(ManifestView manifest, ToolRegistry registry)
    {
        var processes = new Gathered("runs_processes", RiskLevel.High);
        var writes = new Gathered("writes_files", RiskLevel.Medium);
        var network = new Gathered("reaches_hosts", RiskLevel.Medium);
        var reads = new Gathered("reads_files", RiskLevel.Low);
        var computes = new Gathered("computes", RiskLevel.None);

        foreach (var step in manifest.Steps)
        {
            var declaration = manifest.FindTool(step.Tool);
            var tool = registry.Find(step.Tool);
            if (declaration is null || tool is null || !Granted(declaration, tool))
            {
                continue;
            }

            switch (step.Tool)
            {
                case "proc.exec":
                    processes.Add(step.Tool, CommandLine(step.Input));
                    break;
                case "fs.write":
                    writes.Add(step.Tool, Field(step.Input, "path"));
                    break;
                case "fs.read":
                    reads.Add(step.Tool, Field(step.Input, "path"));
                    break;
                case "http.get":
                    foreach (var host in declaration.AllowHosts)
                    {
                        network.Add(step.Tool, host);
                    }

                    network.Add(step.Tool, null);
                    break;
                default:
                    computes.Add(step.Tool, null);
                    break;
            }
        }

        var capabilities = new List<Capability>();
        processes.AddTo(capabilities, "runs programs (an argument list, no shell, inside the run's workspace)", "runs programs");
        writes.AddTo(capabilities, "writes files in the run's workspace", "writes files in the run's workspace");
        network.AddTo(capabilities, "reaches these hosts over HTTP(S)", "reaches no host (allow_hosts is empty)");
        reads.AddTo(capabilities, "reads files in the run's workspace", "reads files in the run's workspace");
        computes.AddTo(capabilities, "computes only", "computes only");
        var risk = RiskLevel.None;
        foreach (var capability in capabilities)
        {
            risk = capability.Risk > risk ? capability.Risk : risk;
        }

        return new PackAudit { Capabilities = capabilities, Risk = risk, Budgets = manifest.Budgets };
    }

    private static bool Granted(ToolDeclaration declaration, ITool tool)
    {
        foreach (var permission in tool.RequiredPermissions)
        {
            var found = false;
            foreach (var granted in declaration.Permissions)
            {
                found |= granted == permission;
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private static string? Field(JsonElement input, string name) =>
        input.ValueKind == JsonValueKind.Object && input.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? CommandLine(JsonElement input)
    {
        var command = Field(input, "command");
        if (command is null)
        {
            return null;
        }

        var line = new StringBuilder(command);
        if (input.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array)
        {
            foreach (var arg in args.EnumerateArray())
            {
                line.Append(' ').Append(arg.ValueKind == JsonValueKind.String ? arg.GetString() : arg.GetRawText());
            }
        }

        return line.ToString();
    }

    private sealed class Gathered(string kind, RiskLevel risk)
    {
        private readonly SortedSet<string> _tools = new(StringComparer.Ordinal);
        private readonly List<string> _targets = [];

        public void Add(string tool, string? target)
        {
            _tools.Add(tool);
            if (target is not null && !_targets.Contains(target))
            {
                _targets.Add(target);
            }
        }

        public void AddTo(List<Capability> capabilities, string withTargets, string withoutTargets)
        {
            if (_tools.Count == 0)
            {
                return;
            }

            var tools = new List<string>(_tools);
            var summary = _targets.Count > 0 ? $"{withTargets}: {string.Join(", ", _targets)}"
                : kind == "computes" ? $"{withoutTargets}: {string.Join(", ", tools)}"
                : withoutTargets;
            capabilities.Add(new Capability
            {
                Kind = kind,
                Summary = summary,
                Risk = kind == "reaches_hosts" && _targets.Count == 0 ? RiskLevel.None : risk,
                Tools = tools,
                Targets = [.. _targets],
            });
        }
    }
}
