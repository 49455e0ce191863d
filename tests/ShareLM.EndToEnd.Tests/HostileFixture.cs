using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Xunit.Abstractions;

namespace ShareLM.EndToEnd.Tests;

public sealed class HostileFixture : StackFixture
{
    protected override StackOptions Options => new() { HoldWindow = TimeSpan.FromMinutes(10) };
}
