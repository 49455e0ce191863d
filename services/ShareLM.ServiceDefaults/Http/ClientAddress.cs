using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace ShareLM.ServiceDefaults.Http;

/// <summary>
/// The address a per-address limit counts: IPv4 as it is, IPv6 by its /64 (one subscriber is given a whole /64,
/// so counting single addresses would give each of them 2^64 budgets). Behind a reverse proxy this is the client's
/// address only when the proxy is a known one (<c>Http:KnownProxies</c>); otherwise it is the proxy's.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext http) => Key(http.Connection.RemoteIpAddress);

    public static string Key(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
