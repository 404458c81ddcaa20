using System.Reflection;
using System.Text.RegularExpressions;
using Reach.Configuration;

#pragma warning disable CS0618 // The shim is obsolete by design; these tests are its only users outside Billing/.
using Plan = Reach.Runner.Billing.Plan;
using PlanFeatures = Reach.Runner.Billing.PlanFeatures;

namespace Reach.Runner.Tests.Config;

public partial class BillingShimTests
{
    private const string Frozen = "Enterprise billing is frozen. Use OSS defaults.";

    [Fact]
    public void Every_plan_maps_to_every_feature()
    {
        var all = FeatureFlag.All.Select(f => f.Name).ToList();
        Assert.NotEmpty(Enum.GetValues<Plan>());
        Assert.All(Enum.GetValues<Plan>(), plan => Assert.Equal(all, PlanFeatures.Of(plan)));
    }

    [Theory]
    [InlineData("free", "Free")]
    [InlineData("Pro", "Pro")]
    [InlineData("ENTERPRISE", "Enterprise")]
    public void Old_plan_names_still_parse(string name, string expected)
    {
        Assert.Equal(Enum.Parse<Plan>(expected), PlanFeatures.Parse(name));
        Assert.Null(PlanFeatures.Parse("platinum"));
    }

    [Fact]
    public void Every_billing_type_is_obsolete_with_the_freeze_message()
    {
        var billing = typeof(RunnerHost).Assembly.GetTypes()
            .Where(t => t.Namespace == "Reach.Runner.Billing" && !t.IsNested && !IsCompilerGenerated(t))
            .ToList();
        Assert.NotEmpty(billing);
        Assert.All(billing, t => Assert.Equal(Frozen, t.GetCustomAttribute<ObsoleteAttribute>()?.Message));
    }

    [Fact]
    public void No_type_outside_the_shim_has_a_member_of_a_plan_type()
    {
        var billing = new HashSet<Type> { typeof(Plan), typeof(PlanFeatures) };
        var offenders = new List<string>();
        foreach (var type in typeof(RunnerHost).Assembly.GetTypes().Where(t => t.Namespace != "Reach.Runner.Billing"))
        {
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            foreach (var field in type.GetFields(all).Where(f => Mentions(f.FieldType, billing)))
            {
                offenders.Add($"{type.FullName}.{field.Name}");
            }

            foreach (var property in type.GetProperties(all).Where(p => Mentions(p.PropertyType, billing)))
            {
                offenders.Add($"{type.FullName}.{property.Name}");
            }

            foreach (var method in type.GetMethods(all).Where(m => Mentions(m.ReturnType, billing) || m.GetParameters().Any(p => Mentions(p.ParameterType, billing))))
            {
                offenders.Add($"{type.FullName}.{method.Name}");
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void No_source_file_outside_the_shim_checks_a_plan_or_a_tier()
    {
        var src = Path.Combine(Repository.Root, "src");
        var billing = Path.Combine(src, "Reach.Runner", "Billing") + Path.DirectorySeparatorChar;
        var offenders = new List<string>();
        foreach (var file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(src, file);
            if (file.StartsWith(billing, StringComparison.Ordinal) || relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            {
                continue;
            }

            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                if (PlanOrTier().IsMatch(lines[i]))
                {
                    offenders.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "Code outside src/Reach.Runner/Billing/ refers to plans or tiers (use feature flags):\n" + string.Join('\n', offenders));
    }

    [Theory]
    [InlineData("if (plan == Plan.Enterprise)")]
    [InlineData("using Reach.Runner.Billing;")]
    [InlineData("var features = PlanFeatures.Of(p);")]
    [InlineData("if (tenant.Tier >= 2)")]
    [InlineData("bool IsPaidTier(string t)")]
    public void The_source_scan_catches_a_plan_or_tier_check(string line)
    {
        Assert.Matches(PlanOrTier(), line);
    }

    private static bool Mentions(Type type, HashSet<Type> billing) =>
        billing.Contains(type)
        || (type.HasElementType && Mentions(type.GetElementType()!, billing))
        || (type.IsGenericType && type.GetGenericArguments().Any(a => Mentions(a, billing)));

    private static bool IsCompilerGenerated(Type type) => type.GetCustomAttribute<System.Runtime.CompilerServices.CompilerGeneratedAttribute>() is not null;

    // The shim's namespace and types, and the word "tier" in any identifier (Tier, PaidTier, tier_name).
    [GeneratedRegex(@"Reach\.Runner\.Billing|\bPlanFeatures\b|\bPlan\s*\.\s*(Free|Pro|Enterprise)\b|\bPlan\s+\w+\s*[=;,)]|(?i:tier)")]
    private static partial Regex PlanOrTier();
}
