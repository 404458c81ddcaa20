namespace Reach.Core.Errors;

/// <summary>Keys (5100), signatures (5200), registries (5300) and installs (5400).</summary>
public static partial class ErrorCatalog
{
    // 5100: keys
    /// <summary>No key with that name or id.</summary>
    public static readonly ErrorCode KeyNotFound = Define("REACH-5101", ErrorKind.Input, "No key with that name or id", "`reach key list` shows the keys under REACH_HOME/keys.");
    /// <summary>A key with that name or id already exists.</summary>
    public static readonly ErrorCode KeyExists = Define("REACH-5102", ErrorKind.Input, "A key with that name or id already exists", "Pick another --name, or remove the old key first.");
    /// <summary>The secret key is encrypted and no passphrase was given.</summary>
    public static readonly ErrorCode KeyPassphraseRequired = Define("REACH-5103", ErrorKind.Input, "A passphrase is needed and none was given", "Set REACH_KEY_PASSPHRASE, run on a terminal to be prompted, or use --unencrypted for a CI key.");
    /// <summary>The passphrase does not open the secret key.</summary>
    public static readonly ErrorCode KeyPassphraseWrong = Define("REACH-5104", ErrorKind.Input, "The passphrase does not open the secret key", "Check REACH_KEY_PASSPHRASE; the file may also have been changed.");
    /// <summary>A key file is malformed.</summary>
    public static readonly ErrorCode KeyFileInvalid = Define("REACH-5105", ErrorKind.Input, "The key file is malformed", "Pass a file written by `reach key export`, or a minisign public key file.");
    /// <summary>No key was named and there is no default key.</summary>
    public static readonly ErrorCode NoDefaultKey = Define("REACH-5106", ErrorKind.Input, "No signing key was named and there is no default", "Run `reach key generate`, or pass --key NAME.");

    // 5200: signatures
    /// <summary>The pack has no signature.</summary>
    public static readonly ErrorCode SignatureMissing = Define("REACH-5201", ErrorKind.Negative, "The pack is not signed", "Sign it with `reach pack sign DIR`, or get the signed pack (pack.digest and pack.digest.minisig) from its author.");
    /// <summary>The signature does not verify.</summary>
    public static readonly ErrorCode SignatureInvalid = Define("REACH-5202", ErrorKind.Negative, "The signature does not verify", "The signature or the signed digest file was changed; get the pack again from its author.");
    /// <summary>The signing key is not in the trust store.</summary>
    public static readonly ErrorCode KeyNotTrusted = Define("REACH-5203", ErrorKind.Negative, "The pack is signed by a key that is not trusted", "Trust the author's public key with `reach key trust FILE` if you trust the author; keys inside a pack are never used.");
    /// <summary>The signature is for another pack.</summary>
    public static readonly ErrorCode SignatureOtherPack = Define("REACH-5204", ErrorKind.Negative, "The signature is for another pack", "The signature files were copied from another pack; get this pack's own signature.");
    /// <summary>The signature is for another version of this pack.</summary>
    public static readonly ErrorCode SignatureOtherVersion = Define("REACH-5205", ErrorKind.Negative, "The signature is for another version of the pack", "If you raised the version in pack.json, sign the pack again (`reach pack sign DIR`); otherwise get this version's signature from its author.");
    /// <summary>A file changed after signing.</summary>
    public static readonly ErrorCode PackChangedAfterSigning = Define("REACH-5206", ErrorKind.Negative, "The pack's files changed after it was signed", "A file was swapped, added, removed or renamed after signing; restore the pack, or sign it again if you made the change.");
    /// <summary>The signature or digest file is malformed.</summary>
    public static readonly ErrorCode SignatureMalformed = Define("REACH-5207", ErrorKind.Negative, "The signature or the signed digest file is malformed", "Sign the pack again with `reach pack sign`.");

    // 5300: registries
    /// <summary>No registry with that name.</summary>
    public static readonly ErrorCode RegistryNotFound = Define("REACH-5301", ErrorKind.Input, "No registry with that name", "`reach registry list` shows them; add one with `reach registry add NAME PATH`.");
    /// <summary>A registry with that name already exists.</summary>
    public static readonly ErrorCode RegistryExists = Define("REACH-5302", ErrorKind.Input, "A registry with that name already exists", "Pick another name, or `reach registry remove` the old one.");
    /// <summary>The registry cannot be read.</summary>
    public static readonly ErrorCode RegistryInvalid = Define("REACH-5303", ErrorKind.Input, "The registry cannot be read", "Check the path: a directory, or a local git repository, with an index.json written by `reach pack publish`.");
    /// <summary>Publishing an unsigned pack.</summary>
    public static readonly ErrorCode PublishUnsigned = Define("REACH-5304", ErrorKind.Input, "Only signed packs can be published", "Sign the pack first: `reach pack sign DIR`.");
    /// <summary>The version is already published.</summary>
    public static readonly ErrorCode VersionAlreadyPublished = Define("REACH-5305", ErrorKind.Input, "That version is already published", "A published version never changes; raise the version in pack.json, sign and publish again.");
    /// <summary>No such pack or version in the registries.</summary>
    public static readonly ErrorCode PackNotInRegistry = Define("REACH-5306", ErrorKind.Input, "No such pack or version in the registries", "`reach pack search NAME` lists what the registries hold.");
    /// <summary>A git command failed.</summary>
    public static readonly ErrorCode GitFailed = Define("REACH-5307", ErrorKind.Environment, "A git command failed", "Check that git is installed and the registry is a git repository you can write.");
    /// <summary>The registry's entry does not match the signed pack.</summary>
    public static readonly ErrorCode RegistryEntryMismatch = Define("REACH-5308", ErrorKind.Negative, "The registry's entry does not match the signed pack", "The registry's index or files were changed; tell the registry's owner.");

    // 5400: installs
    /// <summary>An archive entry climbs out with '..'.</summary>
    public static readonly ErrorCode ArchivePathTraversal = Define("REACH-5401", ErrorKind.Negative, "An archive entry's path contains '..'", "The archive tries to write outside the pack; do not install it.");
    /// <summary>An archive entry has an absolute path.</summary>
    public static readonly ErrorCode ArchiveAbsolutePath = Define("REACH-5402", ErrorKind.Negative, "An archive entry has an absolute path", "The archive tries to write outside the pack; do not install it.");
    /// <summary>An archive entry is a link or a device.</summary>
    public static readonly ErrorCode ArchiveLink = Define("REACH-5403", ErrorKind.Negative, "An archive entry is a link or a special file", "Packs hold regular files only; do not install it.");
    /// <summary>The archive is over a size limit.</summary>
    public static readonly ErrorCode ArchiveTooLarge = Define("REACH-5404", ErrorKind.Negative, "The archive is over a size limit", "The archive or one of its files is larger than Reach accepts for a pack.");
    /// <summary>The archive's compression ratio is extreme.</summary>
    public static readonly ErrorCode ArchiveCompressionRatio = Define("REACH-5405", ErrorKind.Negative, "The archive expands far more than a pack does", "The archive looks like a decompression bomb; do not install it.");
    /// <summary>Installing a version below the installed one.</summary>
    public static readonly ErrorCode Downgrade = Define("REACH-5406", ErrorKind.Negative, "The version is older than the installed one", "Pass --allow-downgrade if you mean to roll back.");
    /// <summary>The archive is malformed.</summary>
    public static readonly ErrorCode ArchiveMalformed = Define("REACH-5407", ErrorKind.Negative, "The archive is malformed", "The archive is damaged or not a gzip-compressed tar; publish the pack again.");
    /// <summary>The same version is installed with another digest.</summary>
    public static readonly ErrorCode InstalledVersionConflict = Define("REACH-5408", ErrorKind.Negative, "That version is installed with different contents", "A published version changed; tell the registry's owner. Remove REACH_HOME/packs/NAME/VERSION to replace it.");
    /// <summary>An archive entry's name is longer than a pack's file name may be.</summary>
    public static readonly ErrorCode ArchiveNameTooLong = Define("REACH-5409", ErrorKind.Negative, "An archive entry's name is too long", "A pack's paths are at most 1024 UTF-8 bytes, each segment at most 255; do not install it.");
    /// <summary>An archive names the same path as a file and as a directory.</summary>
    public static readonly ErrorCode ArchiveFileDirectoryClash = Define("REACH-5410", ErrorKind.Negative, "The archive holds a name both as a file and as a directory", "The archive is not one a pack publishes; do not install it.");
}
