using ShareLM.Ingest.Redaction;
using Xunit.Abstractions;

namespace ShareLM.Ingest.Tests;

/// <summary>
/// A labeled corpus: each case lists the identifiers a text holds (by kind, in order). Positives of every
/// kind, and near-misses that must stay: version numbers, dates, times, ISBNs, order numbers, Luhn-invalid
/// and mod-97-invalid digit runs, code. Precision and recall over the whole corpus are printed and must
/// both reach 0.95.
/// </summary>
public sealed class RedactionCorpusTests(ITestOutputHelper output)
{
    const string E = Redactor.Email, P = Redactor.Phone, I4 = Redactor.IPv4, I6 = Redactor.IPv6,
        M = Redactor.Mac, C = Redactor.CreditCard, B = Redactor.Iban;

    public static readonly (string Text, string[] Expected)[] Corpus =
    [
        // e-mail addresses
        ("Contact me at john.doe@example.com please", [E]),
        ("my email: Jane_Smith+news@mail.co.uk", [E]),
        ("send it to a.b-c@sub.domain.org and cc x@y.io", [E, E]),
        ("<bob@company.com>", [E]),
        ("Email: MARY.O'CONNOR@EXAMPLE.IE? no, mary.oconnor@example.ie", [E, E]),
        ("support@openai.com is their address", [E]),
        ("reach us (info@shop.example.de).", [E]),
        ("user123@gmail.com,other456@yahoo.com", [E, E]),
        ("first.last@university.edu wrote the paper", [E]),
        ("noreply@github.com sent a notification", [E]),
        ("mailto:dev@example.net", [E]),
        ("Her address is zoë@example.com? Actually zoe@example.com.", [E]),
        // phone numbers
        ("Call me at +1 (555) 123-4567 tomorrow", [P]),
        ("my cell is 555-123-4567", [P]),
        ("office: (555) 987-6543", [P]),
        ("London number +44 20 7946 0958", [P]),
        ("Israel +972-52-123-4567", [P]),
        ("dial 020 7946 0958 from the UK", [P]),
        ("US format 555.123.4567 works too", [P]),
        ("Germany +49 30 12345678", [P]),
        ("France +33 1 42 68 53 00", [P]),
        ("India +91 98765 43210", [P]),
        ("text 555 123 4567 now", [P]),
        ("Australia +61 2 9374 4000", [P]),
        ("my number is +1-202-555-0143.", [P]),
        ("Reach +81 3-1234-5678 in Tokyo", [P]),
        ("call 0151 234 5678 or email", [P]),
        ("(212) 555-0199 is the front desk", [P]),
        // IPv4
        ("the server is at 192.168.1.10", [I4]),
        ("ssh root@10.0.0.5", [I4]),
        ("public ip 8.8.8.8 and 1.1.1.1", [I4, I4]),
        ("curl http://172.16.254.1:8080/api", [I4]),
        ("gateway 192.168.0.1, mask 255.255.255.0", [I4, I4]),
        ("blocked 203.0.113.45 yesterday", [I4]),
        ("localhost is 127.0.0.1", [I4]),
        ("from 100.64.0.1 to 100.127.255.254", [I4, I4]),
        ("host=54.239.28.85;", [I4]),
        ("(ip: 66.249.66.1)", [I4]),
        // IPv6
        ("ipv6 2001:0db8:85a3:0000:0000:8a2e:0370:7334 here", [I6]),
        ("compressed 2001:db8::1 address", [I6]),
        ("link-local fe80::1ff:fe23:4567:890a", [I6]),
        ("resolver 2001:4860:4860::8888 and 2001:4860:4860::8844", [I6, I6]),
        ("[2606:4700:4700::1111]:443", [I6]),
        ("mapped ::ffff:192.0.2.128", [I6]),
        ("peer 2a00:1450:4001:81c::200e connected", [I6]),
        ("fd12:3456:789a:1::1 is a ULA", [I6]),
        // MAC addresses
        ("MAC 00:1A:2B:3C:4D:5E on eth0", [M]),
        ("device 00-1a-2b-3c-4d-5e registered", [M]),
        ("cisco style 001a.2b3c.4d5e", [M]),
        ("wifi: a4:83:e7:12:34:56", [M]),
        ("bssid=F0:9F:C2:AB:CD:EF;", [M]),
        ("two macs 3c:22:fb:00:11:22 and 3c:22:fb:00:11:23", [M, M]),
        // payment cards (Luhn-valid)
        ("card 4111 1111 1111 1111 exp 12/26", [C]),
        ("visa 4012888888881881", [C]),
        ("mastercard 5555-5555-5555-4444", [C]),
        ("amex 378282246310005", [C]),
        ("discover 6011111111111117 ok", [C]),
        ("my card is 5105 1051 0510 5100.", [C]),
        ("jcb: 3530111333300000", [C]),
        ("diners 30569309025904", [C]),
        ("pay with 4242424242424242 please", [C]),
        ("number 4000 0566 5566 5556", [C]),
        // IBANs (mod-97-valid)
        ("IBAN DE89 3704 0044 0532 0130 00", [B]),
        ("transfer to GB29NWBK60161331926819", [B]),
        ("FR14 2004 1010 0505 0001 3M02 606 is mine", [B]),
        ("NL91ABNA0417164300", [B]),
        ("account: ES9121000418450200051332", [B]),
        ("IL620108000000099999999", [B]),
        ("CH9300762011623852957", [B]),
        ("BE68 5390 0754 7034", [B]),
        // mixtures
        ("john@example.com / +1 555 123 4567", [E, P]),
        ("server 10.1.2.3 mac 00:11:22:33:44:55", [I4, M]),
        ("card 4111111111111111 and iban GB29NWBK60161331926819", [C, B]),
        ("write to ann@corp.com from 192.168.5.5", [E, I4]),
        ("call (555) 123-4567 or mail help@site.org", [P, E]),
        ("IPs: 10.0.0.1, 2001:db8::2", [I4, I6]),
        ("Hi, I'm Dana, dana@acme.io, +972 3 555 1234.", [E, P]),
        ("ping 8.8.4.4; arp shows 08:00:27:ab:cd:ef", [I4, M]),
        // near-misses: versions
        ("upgrade to version 1.2.3 today", []),
        ("python 3.11.7 and node 20.20.2", []),
        ("release 10.0.19041.1", []),
        ("v1.2.3.4 is tagged", []),
        ("version 2.4.6.8 of the driver", []),
        ("semver 1.0.0-beta.2", []),
        ("dotnet 10.0.401 SDK", []),
        ("build 4.7.2.1 failed", []),
        ("chrome 156.0.8078.73 installed", []),
        // near-misses: dates and times
        ("meeting on 2024-05-03 at 10:30", []),
        ("deadline 03/05/2024", []),
        ("timestamp 2024-05-03T10:11:12.345Z", []),
        ("born 12.05.1990 in Haifa", []),
        ("from 09:00 to 17:30:45", []),
        ("the years 1999-2004 were busy", []),
        ("date: 20240503", []),
        ("Q3 2024-07-01..2024-09-30", []),
        // near-misses: ISBN and order numbers
        ("ISBN 978-0-306-40615-7", []),
        ("ISBN-13: 978-3-16-148410-0", []),
        ("isbn 0-306-40615-2", []),
        ("Order #4829301 shipped", []),
        ("order number 123-4567890-1234567", []),
        ("invoice 2024-000123", []),
        ("ticket #555-1234", []),
        ("tracking 1Z999AA10123456784", []),
        ("ref: 99-88-77", []),
        // near-misses: Luhn-invalid and other digit runs
        ("code 4111 1111 1111 1112", []),
        ("number 1234567812345678", []),
        ("id 5555-5555-5555-4445", []),
        ("account 12345678901234", []),
        ("the product 000000000000000 placeholder", []),
        ("pi is 3.14159265358979", []),
        ("big number 12345678901234567890123", []),
        ("population 8,100,000,000 people", []),
        ("sum = 1234 + 5678 + 9012", []),
        ("zip 90210 and 10001", []),
        ("year 2024, code 1234", []),
        ("phone-like 12345", []),
        ("count: 1,234,567", []),
        // near-misses: IBAN-shaped but invalid
        ("DE89 3704 0044 0532 0130 01 is wrong", []),
        ("GB00NWBK60161331926819", []),
        ("XX1234567890123456", []),
        ("PRODUCTCODE AB12CD34EF56GH78", []),
        // near-misses: code
        ("x = a[1:3] + b[::2]", []),
        ("for i in range(10): print(i)", []),
        ("std::vector<int> v; std::map<K,V>", []),
        ("int* p = 0x7fff0000;", []),
        ("#define VERSION 0x010203", []),
        ("server.listen('localhost:8080')", []),
        ("time.sleep(0.5) # half a second", []),
        ("regex: [a-z]+@[a-z]+\\.com", []),
        ("@Override public void run()", []),
        ("color: #ff00ff; margin: 0 0 1px", []),
        ("git commit -m 'fix' && git push origin main", []),
        ("hash 3f786850e387550fdab836ed7e6dc881de23001b", []),
        ("uuid 123e4567-e89b-12d3-a456-426614174000", []),
        ("a::b::c namespaces in rust: std::io::Result", []),
        ("CSS selector a:hover::after", []),
        ("dict = {'a': 1, 'b': 2}", []),
        ("image icon@2x.png and logo@3x.png", []),
        ("npm install react@18.2.0", []),
        ("docker run -p 8080:80 nginx:1.25", []),
        ("matrix 1:2:3:4 ratio", []),
        ("scale 1.1.1 of the spec", []),
        ("list 1.2.3.4.5 of steps", []),
        ("SELECT * FROM t WHERE id = 42", []),
        ("email regex ^\\S+@\\S+$ example", []),
        ("twitter handle @sharelm_bot", []),
        ("ratio 16:9 and 4:3 screens", []),
        ("cron 0 0 * * * job", []),
        ("chmod 755 script.sh", []),
        ("coordinates 32.0853, 34.7818", []),
        ("temperature 36.6 degrees", []),
        ("price $1,299.99 today", []),
        ("see section 4.2.1 and 4.2.2", []),
        ("IP-like but not: 999.1.1.1", []),
        ("300.400.500.600 is not an address", []),
        ("mac-ish 00:1A:2B:3C:4D is too short", []),
        ("loopback ::1 names no one", []),
        ("call me later, my number is secret", []),
        ("plain text without anything sensitive", []),
    ];

    [Fact]
    public void The_corpus_is_large_enough_and_balanced()
    {
        Assert.True(Corpus.Length >= 150, $"corpus has {Corpus.Length} cases");
        Assert.True(Corpus.Count(c => c.Expected.Length == 0) >= 50, "near-misses");
        foreach (var kind in new[] { E, P, I4, I6, M, C, B })
            Assert.True(Corpus.Count(c => c.Expected.Contains(kind)) >= 6, $"positives of {kind}");
    }

    [Fact]
    public void Precision_and_recall_are_at_least_095()
    {
        int truePositives = 0, falsePositives = 0, falseNegatives = 0;
        foreach (var (text, expected) in Corpus)
        {
            var found = Redactor.Redact(text).Spans.Select(s => s.Kind).ToList();
            var remaining = expected.ToList();
            foreach (var kind in found)
            {
                if (remaining.Remove(kind)) truePositives++;
                else
                {
                    falsePositives++;
                    output.WriteLine($"false positive {kind}: {text}");
                }
            }
            foreach (var missed in remaining)
            {
                falseNegatives++;
                output.WriteLine($"missed {missed}: {text}");
            }
        }
        var precision = truePositives / (double)(truePositives + falsePositives);
        var recall = truePositives / (double)(truePositives + falseNegatives);
        output.WriteLine($"redaction corpus: {Corpus.Length} cases, precision {precision:0.000}, recall {recall:0.000} " +
                         $"(tp {truePositives}, fp {falsePositives}, fn {falseNegatives})");
        Console.WriteLine($"redaction corpus: precision {precision:0.000}, recall {recall:0.000}");
        Assert.True(precision >= 0.95, $"precision {precision:0.000}");
        Assert.True(recall >= 0.95, $"recall {recall:0.000}");
    }

    [Theory]
    [InlineData("mail john.doe@example.com now", "mail [EMAIL] now")]
    [InlineData("card 4111 1111 1111 1111.", "card [CREDIT_CARD].")]
    [InlineData("at 10.0.0.1:22", "at [IPV4]:22")]
    [InlineData("IBAN GB29NWBK60161331926819!", "IBAN [IBAN]!")]
    [InlineData("call +1 (555) 123-4567", "call [PHONE]")]
    [InlineData("mac 00:1A:2B:3C:4D:5E", "mac [MAC]")]
    [InlineData("v6 2001:db8::1", "v6 [IPV6]")]
    public void Replaces_identifiers_with_typed_placeholders(string text, string expected)
    {
        var result = Redactor.Redact(text);
        Assert.Equal(expected, result.Text);
        Assert.True(result.Changed);
    }

    [Fact]
    public void Text_without_identifiers_comes_back_unchanged()
    {
        const string text = "Explain the difference between TCP and UDP, version 1.2.3, on 2024-05-03.";
        var result = Redactor.Redact(text);
        Assert.Same(text, result.Text);
        Assert.False(result.Changed);
    }
}
