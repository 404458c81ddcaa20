using Reach.Core.Packs;
using Reach.Core.Tools;

namespace Reach.Packs.Validation;

/// <summary>The lint rules over a manifest that passed the schema (see <see cref="PackRules"/> for each rule).</summary>
internal sealed class PackLinter
{
    private static readonly string[] BudgetNames = ["max_steps", "max_tool_calls", "max_cost", "max_duration"];

    private readonly ManifestView _manifest;
    private readonly JsonSourceMap _map;
    private readonly ToolRegistry _tools;
    private readonly List<PackFinding> _findings = [];

    private PackLinter(ManifestView manifest, JsonSourceMap map, ToolRegistry tools)
    {
        _manifest = manifest;
        _map = map;
        _tools = tools;
    }

    /// <summary>Applies every manifest rule; file rules live in <see cref="PackFileAccounting"/>.</summary>
    public static List<PackFinding> Lint(ManifestView manifest, JsonSourceMap map, ToolRegistry tools)
    {
        var linter = new PackLinter(manifest, map, tools);
        linter.Identity();
        linter.Declarations();
        linter.Usage();
        linter.StepsAndReferences();
        linter.BudgetRules();
        return linter._findings;
    }

    private void Identity()
    {
        var root = _manifest.Root;
        if (!root.TryGetProperty("$schema", out var schema))
        {
            Add(PackRules.SchemaNamed, "", "pack.json does not name its schema in \"$schema\"");
        }
        else if (schema.GetString() != PacksInfo.SchemaId)
        {
            Add(PackRules.SchemaNamed, "/$schema", $"\"$schema\" is \"{schema.GetString()}\", not Reach's pack schema {PacksInfo.SchemaId}");
        }

        if (!SemanticVersion.IsValid(_manifest.Version))
        {
            Add(PackRules.SemanticVersion, "/version", $"\"{_manifest.Version}\" is not a semantic version");
        }

        if (!root.TryGetProperty("description", out var description) || string.IsNullOrWhiteSpace(description.GetString()))
        {
            Add(PackRules.DescriptionPresent, description.ValueKind == JsonValueKind.Undefined ? "" : "/description", "the pack has no description");
        }
    }

    private void Declarations()
    {
        for (var i = 0; i < _manifest.Tools.Count; i++)
        {
            var tool = _manifest.Tools[i];
            var pointer = Invariant($"/tools/{i}");
            for (var j = 0; j < i; j++)
            {
                if (_manifest.Tools[j].Name == tool.Name)
                {
                    Add(PackRules.ToolDeclaredOnce, pointer + "/name", Invariant($"the tool \"{tool.Name}\" is declared again (first at /tools/{j})"));
                }
            }

            var required = _tools.Find(tool.Name)?.RequiredPermissions ?? [];
            for (var p = 0; p < tool.Permissions.Count; p++)
            {
                var permission = tool.Permissions[p];
                var at = Invariant($"{pointer}/permissions/{p}");
                if (permission.Contains('*', StringComparison.Ordinal))
                {
                    Add(PackRules.NoWildcards, at, $"\"{permission}\" is a wildcard permission", $"Grant exactly what {tool.Name} needs: {Needs(required)}.");
                }
                else if (!Contains(required, permission))
                {
                    Add(PackRules.NoExtraPermissions, at, $"{tool.Name} is granted \"{permission}\", which it does not need", $"Remove it; {tool.Name} needs {Needs(required)}.");
                }
            }

            foreach (var permission in required)
            {
                if (!Contains(tool.Permissions, permission))
                {
                    Add(PackRules.ToolPermissionsGranted, pointer, $"{tool.Name} needs \"{permission}\", which the pack does not grant", $"Add \"permissions\": [\"{permission}\"] to the {tool.Name} declaration.");
                }
            }

            for (var h = 0; h < tool.AllowHosts.Count; h++)
            {
                var host = tool.AllowHosts[h];
                var at = Invariant($"{pointer}/allow_hosts/{h}");
                if (host.Contains('*', StringComparison.Ordinal))
                {
                    Add(PackRules.NoWildcards, at, $"\"{host}\" is a wildcard host", "List each host the pack reaches by its full name, e.g. api.example.com.");
                }
                else if (tool.Name != "http.get")
                {
                    Add(PackRules.NoExtraPermissions, at, $"{tool.Name} lists the host \"{host}\", but it does not reach the network", "Remove allow_hosts from this tool.");
                }
            }

            if (tool.Name == "http.get" && tool.AllowHosts.Count == 0)
            {
                Add(PackRules.HostsListed, pointer, "http.get lists no hosts in \"allow_hosts\", so every request is refused");
            }
        }
    }

    private void Usage()
    {
        for (var i = 0; i < _manifest.Tools.Count; i++)
        {
            var name = _manifest.Tools[i].Name;
            var used = false;
            foreach (var step in _manifest.Steps)
            {
                used |= step.Tool == name;
            }

            if (!used)
            {
                Add(PackRules.DeclaredToolUsed, Invariant($"/tools/{i}"), $"the tool \"{name}\" is declared but no step calls it");
            }
        }

        for (var i = 0; i < _manifest.Steps.Count; i++)
        {
            var step = _manifest.Steps[i];
            if (_manifest.FindTool(step.Tool) is null)
            {
                var known = _tools.Find(step.Tool) is not null;
                Add(PackRules.UsedToolDeclared, Invariant($"/steps/{i}/tool"),
                    $"step \"{step.Id}\" calls \"{step.Tool}\", which the pack does not declare{(known ? "" : " (and Reach has no such tool)")}",
                    known ? null : $"Call one of the built-in tools: {string.Join(", ", _tools.Names)}.");
            }
        }
    }

    private void StepsAndReferences()
    {
        for (var i = 0; i < _manifest.Steps.Count; i++)
        {
            var step = _manifest.Steps[i];
            for (var j = 0; j < i; j++)
            {
                if (_manifest.Steps[j].Id == step.Id)
                {
                    Add(PackRules.StepIdsUnique, Invariant($"/steps/{i}/id"), Invariant($"the step id \"{step.Id}\" is used again (first at /steps/{j})"));
                }
            }

            var strings = new List<(string Pointer, string Text)>();
            ManifestView.Strings(step.Input, Invariant($"/steps/{i}/input"), strings);
            foreach (var (pointer, text) in strings)
            {
                List<Reference> references;
                try
                {
                    references = Reference.FindAll(text, step.Id);
                }
                catch (ReachException ex)
                {
                    Add(PackRules.ReferencesResolve, pointer, ex.Message.TrimEnd('.'));
                    continue;
                }

                foreach (var reference in references)
                {
                    CheckReference(reference, i, pointer);
                }
            }
        }
    }

    private void CheckReference(Reference reference, int index, string pointer)
    {
        var step = _manifest.Steps[index];
        if (!reference.IsStep)
        {
            if (!Contains(_manifest.InputNames, reference.Name))
            {
                Add(PackRules.ReferencesResolve, pointer, $"step \"{step.Id}\": ${{{reference.Expression}}} names the input \"{reference.Name}\", which the pack does not declare", $"Declare \"{reference.Name}\" in \"inputs\", or correct the name.");
            }

            return;
        }

        var target = -1;
        for (var j = 0; j < _manifest.Steps.Count && target < 0; j++)
        {
            target = _manifest.Steps[j].Id == reference.Name ? j : -1;
        }

        if (target < 0)
        {
            Add(PackRules.ReferencesResolve, pointer, $"step \"{step.Id}\": ${{{reference.Expression}}} names the step \"{reference.Name}\", which does not exist");
        }
        else if (target >= index)
        {
            Add(PackRules.ReferencesResolve, pointer, $"step \"{step.Id}\": ${{{reference.Expression}}} names {(target == index ? "the step itself" : $"the later step \"{reference.Name}\"")}", "Move the step after the one it reads from; a step can only use earlier steps' outputs.");
        }
    }

    private void BudgetRules()
    {
        if (!_manifest.Root.TryGetProperty("budgets", out var budgets) || !budgets.EnumerateObject().Any())
        {
            Add(PackRules.BudgetsPresent, budgets.ValueKind == JsonValueKind.Undefined ? "" : "/budgets", "the pack sets no budgets, so nothing limits a run");
            return;
        }

        foreach (var name in BudgetNames)
        {
            if (!budgets.TryGetProperty(name, out _))
            {
                Add(PackRules.BudgetComplete, "/budgets", $"budgets has no {name}, so it is not enforced", $"Add \"{name}\" to \"budgets\".");
            }
        }
    }

    private void Add(PackRule rule, string pointer, string message, string? fix = null) => _findings.Add(new PackFinding
    {
        Rule = rule,
        Message = message,
        Fix = fix ?? rule.Fix,
        Pointer = pointer,
        Position = _map.Locate(pointer),
    });

    private static bool Contains(IReadOnlyList<string> list, string value)
    {
        foreach (var item in list)
        {
            if (item == value)
            {
                return true;
            }
        }

        return false;
    }

    private static string Needs(IReadOnlyList<string> required) => required.Count == 0 ? "no permission" : string.Join(", ", required);

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
