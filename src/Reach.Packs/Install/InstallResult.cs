namespace Reach.Packs.Install;

/// <summary>What an install did.</summary>
/// <param name="Name">The pack's name.</param>
/// <param name="Version">The installed version.</param>
/// <param name="Digest">Its pack digest.</param>
/// <param name="KeyId">The signer's key id.</param>
/// <param name="Signer">The name the signer's key is trusted under.</param>
/// <param name="Registry">The registry it came from.</param>
/// <param name="Directory">Where it is installed.</param>
/// <param name="PreviousVersion">The version installed before, if any.</param>
/// <param name="AlreadyInstalled">True when this exact version and digest were installed already (nothing changed).</param>
public sealed record InstallResult(string Name, string Version, string Digest, string KeyId, string Signer, string Registry, string Directory, string? PreviousVersion, bool AlreadyInstalled);
