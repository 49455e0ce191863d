using ShareLM.Events;
using ShareLM.ServiceDefaults.Http;
using ShareLM.ServiceDefaults.Telemetry;

namespace ShareLM.Ingest.Contributors;

/// <summary>The contributor a request acts for.</summary>
public sealed record CurrentContributor(Guid Id, string TermsVersion, Demographics Demographics, string TokenHash);

/// <summary>
/// Every /v1 call but registration needs <c>Authorization: Bearer &lt;token&gt;</c>. The token's hash is
/// looked up on each request (no cache, see <see cref="ContributorLookup"/>), so a rotated token stops working
/// at once on every instance. A token of the wrong shape is refused without a lookup; an address whose tokens
/// failed too often is refused before one (<see cref="ContributorLimits"/>); a contributor's requests are then
/// counted against their own limit.
/// </summary>
public sealed class ContributorAuthentication(ContributorLookup contributors, ContributorLimits limits) : IEndpointFilter
{
    public const string ItemKey = "sharelm.contributor";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = BearerToken(http.Request);
        if (token is null || token.Length > 200 || !token.StartsWith(Tokens.Prefix, StringComparison.Ordinal))
        {
            ShareLMTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "unauthorized"));
            return Problems.Unauthorized();
        }
        if (limits.AdmitLookup(http) is { } tooManyFailures) return tooManyFailures;
        var hash = Tokens.Hash(token);
        var contributor = await contributors.FindAsync(hash, http.RequestAborted);
        if (contributor is null)
        {
            limits.CountFailure(http);
            ShareLMTelemetry.Rejected.Add(1, new KeyValuePair<string, object?>("reason", "unauthorized"));
            return Problems.Unauthorized();
        }
        if (limits.Admit(contributor.Id, http) is { } tooMany) return tooMany;
        http.Items[ItemKey] = new CurrentContributor(contributor.Id, contributor.TermsVersion, contributor.Demographics, hash);
        return await next(context);
    }

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    public static CurrentContributor Current(HttpContext http) =>
        (CurrentContributor)(http.Items[ItemKey] ?? throw new InvalidOperationException("Endpoint is not behind ContributorAuthentication."));
}
