using System.Net.Sockets;

namespace Reach.Cli;

/// <summary>Turns a listener's bind failure on a port another process holds into REACH-9010, an environment error with the fix.</summary>
internal static class ListenFailure
{
    /// <summary>True when <paramref name="error"/> (or an exception inside it) says the address is already in use.</summary>
    public static bool IsAddressInUse(Exception error)
    {
        // Kestrel wraps it: IOException("Failed to bind…") → AddressInUseException → SocketException(AddressAlreadyInUse).
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } or Microsoft.AspNetCore.Connections.AddressInUseException)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The coded error for a busy <paramref name="address"/>.</summary>
    public static ReachException AddressInUse(string address, Exception error) =>
        new(ErrorCatalog.AddressInUse, $"Cannot listen on {address}: another process already uses that port.", error);
}
