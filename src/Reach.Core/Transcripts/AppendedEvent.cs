using Reach.Core.Hashing;

namespace Reach.Core.Transcripts;

/// <summary>What appending an event produced: its sequence number and hashes.</summary>
/// <param name="Seq">The sequence number, from 0.</param>
/// <param name="Hash">The event's hash.</param>
/// <param name="DataDigest">The salted digest of its data.</param>
public readonly record struct AppendedEvent(long Seq, Sha256Digest Hash, Sha256Digest DataDigest);
