namespace Reach.Core.Errors;

/// <summary>The command line itself (9020): putting <c>reach</c> on PATH.</summary>
public static partial class ErrorCatalog
{
    // 9020: the command line's own setup
    /// <summary><c>reach install-path</c> finds another file where the link would go.</summary>
    public static readonly ErrorCode InstallPathTaken = Define("REACH-9020", ErrorKind.Environment, "Another file is where the reach link would go", "Remove or rename that file (it is not a link to this checkout's ./reach), or choose another directory on PATH with --dir.");
    /// <summary><c>reach install-path</c> was not run through a checkout's <c>./reach</c>.</summary>
    public static readonly ErrorCode InstallPathNoScript = Define("REACH-9021", ErrorKind.Input, "install-path links a checkout's ./reach, and this reach was not started by one", "Run it from the checkout: `./reach install-path` (a reach installed otherwise is already on PATH).");
}
