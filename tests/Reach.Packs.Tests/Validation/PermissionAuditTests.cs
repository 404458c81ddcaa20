using Reach.Packs.Validation;

namespace Reach.Packs.Tests.Validation;

public class PermissionAuditTests
{
    [Fact]
    public void A_pack_of_pure_tools_only_computes_and_has_no_risk()
    {
        var audit = PackValidator.Validate(Path.Combine(Repository.Root, "examples", "packs", "hello")).Audit!;
        Assert.Equal(RiskLevel.None, audit.Risk);
        var capability = Assert.Single(audit.Capabilities);
        Assert.Equal("computes", capability.Kind);
        Assert.Equal(10, audit.Budgets!.MaxSteps);
    }

    [Fact]
    public void Running_a_program_is_high_risk_and_names_the_command()
    {
        var audit = PackValidator.Validate(Path.Combine(Repository.Root, "examples", "packs", "files-and-processes")).Audit!;
        Assert.Equal(RiskLevel.High, audit.Risk);
        Assert.Equal(["runs_processes", "writes_files", "reads_files", "computes"], audit.Capabilities.Select(c => c.Kind));
        Assert.Equal(["wc -c notes/note.txt"], audit.Capabilities[0].Targets);
        Assert.Contains("runs programs", audit.Capabilities[0].Summary, StringComparison.Ordinal);
        Assert.Equal(RiskLevel.Medium, audit.Capabilities[1].Risk);
        Assert.Equal(RiskLevel.Low, audit.Capabilities[2].Risk);
    }

    [Fact]
    public void The_network_is_medium_risk_and_lists_the_allowed_hosts()
    {
        using var pack = new PackDirectory(PackDirectory.Good
            .Replace("{ \"name\": \"text.template\", \"cost\": 1 },", "{ \"name\": \"text.template\", \"cost\": 1 }, { \"name\": \"http.get\", \"permissions\": [\"net:http\"], \"allow_hosts\": [\"api.example.com\"] },", StringComparison.Ordinal)
            .Replace("\"steps\": [", "\"steps\": [ { \"id\": \"fetch\", \"tool\": \"http.get\", \"input\": { \"url\": \"https://api.example.com/x\" } },", StringComparison.Ordinal));
        var report = PackValidator.Validate(pack.Path);
        Assert.True(report.Ok);
        var network = Assert.Single(report.Audit!.Capabilities, c => c.Kind == "reaches_hosts");
        Assert.Equal(RiskLevel.Medium, network.Risk);
        Assert.Equal(["api.example.com"], network.Targets);
    }

    [Fact]
    public void A_step_the_gate_would_deny_gives_no_capability()
    {
        var audit = PackValidator.Validate(Path.Combine(Repository.Root, "examples", "packs", "denied")).Audit!;
        Assert.DoesNotContain(audit.Capabilities, c => c.Kind == "runs_processes");
        Assert.Equal(RiskLevel.None, audit.Risk);
    }
}
