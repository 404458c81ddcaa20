namespace Reach.Packs.Install;

/// <summary>
/// Orders versions by Semantic Versioning 2.0 precedence (numeric parts compared as numbers, a pre-release below its
/// release, build metadata ignored); versions that are not dotted numbers fall back to ordinal order.
/// </summary>
public static class PackVersion
{
    /// <summary>Negative when <paramref name="a"/> is older than <paramref name="b"/>, zero when equal, positive when newer.</summary>
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (coreA, preA) = Split(a);
        var (coreB, preB) = Split(b);
        var partsA = coreA.Split('.');
        var partsB = coreB.Split('.');
        if (!AllNumeric(partsA) || !AllNumeric(partsB))
        {
            return Math.Sign(string.CompareOrdinal(a, b));
        }

        for (var i = 0; i < Math.Max(partsA.Length, partsB.Length); i++)
        {
            var c = ComparePart(i < partsA.Length ? partsA[i] : "0", i < partsB.Length ? partsB[i] : "0");
            if (c != 0)
            {
                return c;
            }
        }

        if (preA is null || preB is null)
        {
            return preA is null ? (preB is null ? 0 : 1) : -1;
        }

        var idsA = preA.Split('.');
        var idsB = preB.Split('.');
        for (var i = 0; i < Math.Min(idsA.Length, idsB.Length); i++)
        {
            var numericA = AllNumeric([idsA[i]]);
            var numericB = AllNumeric([idsB[i]]);
            var c = numericA && numericB ? ComparePart(idsA[i], idsB[i]) : numericA != numericB ? (numericA ? -1 : 1) : Math.Sign(string.CompareOrdinal(idsA[i], idsB[i]));
            if (c != 0)
            {
                return c;
            }
        }

        return idsA.Length.CompareTo(idsB.Length);
    }

    private static (string Core, string? Pre) Split(string version)
    {
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        var withoutBuild = plus >= 0 ? version[..plus] : version;
        var dash = withoutBuild.IndexOf('-', StringComparison.Ordinal);
        return dash >= 0 ? (withoutBuild[..dash], withoutBuild[(dash + 1)..]) : (withoutBuild, null);
    }

    private static bool AllNumeric(string[] parts)
    {
        foreach (var part in parts)
        {
            if (part.Length == 0)
            {
                return false;
            }

            foreach (var ch in part)
            {
                if (!char.IsAsciiDigit(ch))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static int ComparePart(string a, string b)
    {
        var x = a.TrimStart('0');
        var y = b.TrimStart('0');
        return x.Length != y.Length ? x.Length.CompareTo(y.Length) : Math.Sign(string.CompareOrdinal(x, y));
    }
}
