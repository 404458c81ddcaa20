namespace Reach.Core.Json;

public static partial class CanonicalJson
{
    /// <summary>A member name while its object is sorted: the first bytes as a number, then the token.</summary>
    private struct Member
    {
        /// <summary>The first 8 bytes of the name in UTF-16 order (see <see cref="SortPrefix"/>), big-endian, zero-padded.</summary>
        public ulong Prefix;

        public int Token;
    }

    /// <summary>
    /// The arrays a canonicalization works in, kept per thread and reused, so that canonicalizing small
    /// documents allocates nothing and does not go to the array pool for each one.
    /// </summary>
    private sealed class Workspace
    {
        private const int InitialTokens = 256;
        private const int InitialNames = 64;
        private const int InitialScratch = 1024;

        // Arrays grown past these by one large document are dropped rather than kept for the thread's life.
        private const int MaxKeptTokens = 4096;
        private const int MaxKeptScratch = 1 << 16;

        [ThreadStatic]
        private static Workspace? _cached;

        public Token[] Tokens = new Token[InitialTokens];
        public Member[] OpenNames = new Member[InitialNames];
        public int[] SortedNames = new int[InitialNames];
        public byte[] Scratch = new byte[InitialScratch];

        public static Workspace Acquire()
        {
            var workspace = _cached;
            if (workspace is null)
            {
                return new Workspace();
            }

            // Taken, not shared: a nested call on the same thread would get a fresh one.
            _cached = null;
            return workspace;
        }

        public static void Release(Workspace workspace)
        {
            if (workspace.Tokens.Length > MaxKeptTokens)
            {
                workspace.Tokens = new Token[InitialTokens];
            }

            if (workspace.Scratch.Length > MaxKeptScratch)
            {
                workspace.Scratch = new byte[InitialScratch];
            }

            if (workspace.OpenNames.Length > MaxKeptTokens || workspace.SortedNames.Length > MaxKeptTokens)
            {
                workspace.OpenNames = new Member[InitialNames];
                workspace.SortedNames = new int[InitialNames];
            }

            _cached = workspace;
        }
    }
}
