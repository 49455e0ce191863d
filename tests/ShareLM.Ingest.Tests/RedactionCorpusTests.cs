using System.Globalization;
using System.Text;
using ShareLM.Ingest.Redaction;
using Xunit.Abstractions;

namespace ShareLM.Ingest.Tests;

/// <summary>
/// A labeled corpus: each case lists the identifiers a text holds (by kind). Positives of every kind, written
/// as people write them in several languages and locales (separators, non-breaking spaces, full-width digits,
/// zero-width characters), and near-misses that must stay: versions, dates, times, prices, ISBNs, order
/// numbers, coordinates, hashes, UUIDs, Luhn- and mod-97-invalid digit runs, code. Precision and recall per
/// kind and overall are printed; both must reach 0.97 overall.
/// </summary>
public sealed class RedactionCorpusTests(ITestOutputHelper output)
{
    const string E = Redactor.Email, P = Redactor.Phone, I4 = Redactor.IPv4, I6 = Redactor.IPv6,
        M = Redactor.Mac, C = Redactor.CreditCard, B = Redactor.Iban, S = Redactor.Secret, N = Redactor.Ssn;

    public static readonly (string Text, string[] Expected)[] Corpus = [.. Handwritten(), .. Recall(), .. Secrets(), .. NearMisses(), .. InContext()];

    static (string, string[])[] Handwritten() =>
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
        ("Her address is zoë@example.com? Actually zoe@example.com.", [E, E]),
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

    /// <summary>What passed through unredacted before: each shape the review found.</summary>
    static (string, string[])[] Recall() =>
    [
        ("call me on 5551234567 tonight", [P]),
        ("UK mobile +447700900123", [P]),
        ("mon portable : +33612345678", [P]),
        ("appelle-moi au 06 12 34 56 78", [P]),
        ("ou au 06.12.34.56.78 le soir", [P]),
        ("her desk is 555-1234", [P]),
        ("toll free 1-800-555-0199", [P]),
        ("phone no. 555-123-4567", [P]),
        ("tel #555-123-4567", [P]),
        ("ref my phone: 5551234567", [P]),
        ("number 555\u00a0123\u00a04567 with no-break spaces", [P]),
        ("full width ５５５-１２３-４５６７", [P]),
        ("Handy: +49 170 1234567", [P]),
        ("móvil +34 612 34 56 78", [P]),
        ("cellulare +39 347 123 4567", [P]),
        ("mobiel +31 6 12345678", [P]),
        ("נייד +972 54 123 4567", [P]),
        ("телефон +7 912 345-67-89", [P]),
        ("komórka +48 512 345 678", [P]),
        ("cep +90 532 123 45 67", [P]),
        ("手机 +86 138 0013 8000", [P]),
        ("携帯 +81 90-1234-5678", [P]),
        ("celular +55 11 91234-5678", [P]),
        ("mobile +61 412 345 678", [P]),
        ("dial 07700 900123", [P]),
        ("IBAN gb29nwbk60161331926819 in lower case", [B]),
        ("IBAN DE89-3704-0044-0532-0130-00 with dashes", [B]),
        ("IBAN DE89.3704.0044.0532.0130.00 with dots", [B]),
        ("IBAN DE89\u00a03704\u00a00044\u00a00532\u00a00130\u00a000", [B]),
        ("rekening nl91 abna 0417 1643 00", [B]),
        ("card 4111\u00a01111\u00a01111\u00a01111", [C]),
        ("card 4111.1111.1111.1111", [C]),
        ("card ４１１１ １１１１ １１１１ １１１１", [C]),
        ("write to ｊｏｈｎ＠ｅｘａｍｐｌｅ．ｃｏｍ", [E]),
        ("mail john＠example.com", [E]),
        ("escríbeme a josé@correo.es", [E]),
        ("Schreib an müller@beispiel.de", [E]),
        ("напиши на иван@пример.рф", [E]),
        ("to jo\u200bhn.smith@example.com with a zero-width space", [E]),
        ("to john@exa\u200dmple.com with a joiner", [E]),
        ("local mail root@localhost works", [E]),
        ("fetch http://alice:s3cret@example.com/data", [S]),
        ("git clone https://bob:ghtoken123@git.example.org/repo.git", [S]),
        ("postgres://admin:hunter22@10.0.0.7:5432/db", [S, I4]),
        ("ftp://anonymous@ftp.example.org/pub", [S]),
        ("my SSN is 123-45-6789", [N]),
        ("SSN: 078-05-1120", [N]),
        ("social security 219-09-9999 on the form", [N]),
        ("ip in full width １９２．１６８．１．１０", [I4]),
    ];

    /// <summary>Secrets with a known shape, and passwords in assignments.</summary>
    static (string, string[])[] Secrets() =>
    [
        ("OPENAI_API_KEY=sk-proj-4f9aB2cD3eF4gH5iJ6kL7mN8oP9qR0sT", [S]),
        ("my key is sk-abcdefghijklmnopqrstuvwxyz012345", [S]),
        ("anthropic sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", [S]),
        ("aws AKIAIOSFODNN7EXAMPLE is the id", [S]),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", [S]),
        ("AKIAIOSFODNN7EXAMPLE and aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", [S, S]),
        ("token ghp_1234567890abcdefghijABCDEFGHIJ123456", [S]),
        ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF", [S]),
        ("slack xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", [S]),
        ("legacy xoxp-1234-5678-9012-abcdef", [S]),
        ("maps key AIzaSyA1234567890abcdefghijklmnopqrstuv", [S]),
        ("jwt eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c", [S]),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234567890abcdef\nQWERTYUIOPasdfghjkl==\n-----END RSA PRIVATE KEY-----", [S]),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY----- and that's it", [S]),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU= (cut off)", [S]),
        ("password=hunter2", [S]),
        ("passwd: Tr0ub4dor&3", [S]),
        ("DB_PASSWORD=\"correct-horse-battery\"", [S]),
        ("{\"api_key\": \"a1b2c3d4e5f6g7h8\"}", [S]),
        ("client_secret: 8f14e45fceea167a5a36dedd4bea2543", [S]),
        ("mot de passe, password: Soleil2024!", [S]),
        ("Passwort Password=Geheim123", [S]),
        ("auth_token='abc123def456'", [S]),
        ("export ACCESS_TOKEN=ya29.a0AfH6SMBx", [S]),
        ("pwd = qwerty123", [S]),
    ];

    /// <summary>Near-misses: what looks like an identifier and is not one.</summary>
    static (string, string[])[] NearMisses() =>
    [
        ("unix time 1714740000 and 1714740000123", []),
        ("epoch 1700000000", []),
        ("2024-05-03 14:30:00 UTC", []),
        ("le 03/05/2024 à 14h30", []),
        ("am 3.5.2024 um 9:15 Uhr", []),
        ("el 3 de mayo de 2024", []),
        ("2024年5月3日 14時30分", []),
        ("price 1.299,99 € today", []),
        ("¥12,800 or $1,299.00", []),
        ("costs 12 345,67 zł", []),
        ("Version 10.0.19041.1 of Windows", []),
        ("version 1.2.3.4 is out", []),
        ("release 192.168.1.1 of the firmware", []),
        ("sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", []),
        ("commit a1b2c3d fixed it", []),
        ("uuid 550e8400-e29b-41d4-a716-446655440000", []),
        ("mask 0xDEADBEEF and 0x7fffffff", []),
        ("line 1234: unexpected token", []),
        ("see L42-L57 in the diff", []),
        ("Paris 48.8566° N, 2.3522° E", []),
        ("Sydney -33.8688, 151.2093", []),
        ("ISBN 9780306406157", []),
        ("ISBN-10 0306406152", []),
        ("Bestellnummer 4829301 versandt", []),
        ("commande n° 123456789", []),
        ("order no. 5551234567", []),
        ("invoice #2024-555-1234", []),
        ("tracking number 9400111899223856925541", []),
        ("case 555-1234 is closed", []),
        ("issue #5551234 on GitHub", []),
        ("HTTP 404 and 503", []),
        ("port 5432 and 15672", []),
        ("IPv6 default route ::/0", []),
        ("chmod 0755 and umask 0022", []),
        ("wrong shape 123-45-678", []),
        ("never issued 000-12-3456", []),
        ("never issued 666-12-3456", []),
        ("never issued 900-12-3456", []),
        ("pip install scikit-learn (sk-learn)", []),
        ("sk-short is not a key", []),
        ("AKIA alone is not a key", []),
        ("ghp_tooShort", []),
        ("xoxb without a token", []),
        ("eyJhbGciOiJIUzI1NiJ9 alone", []),
        ("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----", []),
        ("-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBa\n-----END CERTIFICATE-----", []),
        ("password: <your password>", []),
        ("password = input()", []),
        ("password=os.environ['PW']", []),
        ("password=$DB_PASSWORD", []),
        ("password = config.db.password", []),
        ("password: None", []),
        ("the password is secret", []),
        ("forgot my password, how do I reset it?", []),
        ("user@ is incomplete", []),
        ("foo@bar has no domain", []),
        ("mention @alice and @bob", []),
        ("C# 12 and F# 8", []),
        ("ratio 1:1 and 3:2", []),
        ("score 5551-234 in the game", []),
        ("5.551.234 inhabitants", []),
        ("population 8 100 000 000", []),
        ("zip code 75008 Paris", []),
        ("PLZ 10115 Berlin", []),
        ("postcode SW1A 1AA", []),
        ("room 1234-5678 building", []),
        ("pages 123-4567 of the archive", []),
        ("IBAN-like XX00 1234 5678 9012 3456", []),
        ("GB00 NWBK 6016 1331 9268 19 fails the check", []),
        ("de89 3704 0044 0532 0130 01 fails too", []),
        ("card-like 4111 1111 1111 1112", []),
        ("test id 1234 5678 9012 3456", []),
        ("product code DE12ABCD", []),
        ("sensor AA:BB:CC:DD:EE is short", []),
        ("time 12:34:56:78 is not a MAC", []),
        ("std::chrono::seconds", []),
        ("matrix indexes a[1::2, ::3]", []),
        ("dates 2024-01-01..2024-12-31", []),
        ("range 10.0.0.0/8 as CIDR is not one address? (it is a network)", [I4]),
        ("Lat/long 40.7128,-74.0060", []),
        ("version 4.2 released 2024-05-03", []),
        ("npm i lodash@4.17.21", []),
        ("docker image postgres:15.4", []),
        ("cron 0 30 * * 1-5", []),
        ("CSS #fff and rgba(0,0,0,.5)", []),
        ("HTML &#8212; entity", []),
        ("regex \\d{3}-\\d{4}", []),
        ("printf(\"%d-%d\", 555, 1234)", []),
        ("a file named report_2024-05-03.pdf", []),
        ("building 7, floor 3, desk 42", []),
        ("heart rate 72 bpm, blood pressure 120/80", []),
    ];

    /// <summary>Identifiers in sentences of several languages: each template with each kind's values.</summary>
    static (string, string[])[] InContext()
    {
        string[] templates =
        [
            "You can reach me at {0} any time.",
            "Vous pouvez me joindre au {0} à tout moment.",
            "Du erreichst mich unter {0}, jederzeit.",
            "Puedes contactarme en {0} cuando quieras.",
            "Puoi contattarmi a {0} quando vuoi.",
            "Pode falar comigo em {0} a qualquer hora.",
            "Je kunt me bereiken op {0}.",
            "אפשר להשיג אותי ב-{0} בכל שעה.",
            "いつでも {0} に連絡してください。",
            "随时可以通过 {0} 联系我。",
            "Со мной можно связаться: {0}.",
            "Możesz się ze mną skontaktować: {0}.",
            "Bana {0} üzerinden ulaşabilirsin.",
            "يمكنك التواصل معي على {0} في أي وقت.",
        ];
        (string Value, string Kind)[] values =
        [
            ("maria.garcia@example.es", E), ("+33 6 12 34 56 78", P), ("DE89 3704 0044 0532 0130 00", B),
            ("4111 1111 1111 1111", C), ("192.168.20.14", I4), ("2001:db8:85a3::8a2e:370:7334", I6),
            ("00:1A:2B:3C:4D:5E", M), ("sk-proj-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2", S), ("+49 30 12345678", P),
            ("ana@correo.mx", E), ("FR14 2004 1010 0505 0001 3M02 606", B), ("5555 5555 5555 4444", C),
            ("10.20.30.40", I4), ("+1 (415) 555-0132", P), ("123-45-6789", N), ("ghp_1234567890abcdefghijABCDEFGHIJ123456", S),
        ];
        string[] nearMisses =
        [
            "version 2.4.1", "2024-05-03", "14:30", "ISBN 978-3-16-148410-0", "order #4829301", "1.299,99 €",
            "550e8400-e29b-41d4-a716-446655440000", "48.8566, 2.3522", "0x7fff0000", "v1.2.3.4", "3.14159", "#ff00ff",
        ];
        var cases = new List<(string, string[])>();
        for (var i = 0; i < values.Length * 5; i++)
        {
            var (value, kind) = values[i % values.Length];
            cases.Add((string.Format(CultureInfo.InvariantCulture, templates[i % templates.Length], value), [kind]));
        }
        for (var i = 0; i < nearMisses.Length * 5; i++)
            cases.Add((string.Format(CultureInfo.InvariantCulture, templates[(i * 5 + 3) % templates.Length], nearMisses[i % nearMisses.Length]), []));
        return [.. cases];
    }

    [Fact]
    public void The_corpus_is_large_enough_and_balanced()
    {
        Assert.True(Corpus.Length >= 400, $"corpus has {Corpus.Length} cases");
        var positives = Corpus.Count(c => c.Expected.Length > 0);
        Assert.True(positives >= 200 && Corpus.Length - positives >= 200, $"{positives} positives, {Corpus.Length - positives} near-misses");
        foreach (var kind in Redactor.Kinds)
            Assert.True(Corpus.Count(c => c.Expected.Contains(kind)) >= 6, $"positives of {kind}");
    }

    [Fact]
    public void Precision_and_recall_are_at_least_097_and_reported_per_kind()
    {
        var counts = Redactor.Kinds.ToDictionary(k => k, _ => (Tp: 0, Fp: 0, Fn: 0));
        foreach (var (text, expected) in Corpus)
        {
            var remaining = expected.ToList();
            foreach (var kind in Redactor.Redact(text).Spans.Select(s => s.Kind))
            {
                var c = counts[kind];
                if (remaining.Remove(kind)) counts[kind] = c with { Tp = c.Tp + 1 };
                else
                {
                    counts[kind] = c with { Fp = c.Fp + 1 };
                    output.WriteLine($"false positive {kind}: {text}");
                }
            }
            foreach (var missed in remaining)
            {
                counts[missed] = counts[missed] with { Fn = counts[missed].Fn + 1 };
                output.WriteLine($"missed {missed}: {text}");
            }
        }
        static string Ratio(int part, int whole) => whole == 0 ? "  -  " : (part / (double)whole).ToString("0.000", CultureInfo.InvariantCulture);
        var report = new StringBuilder($"redaction corpus: {Corpus.Length} cases ({Corpus.Count(c => c.Expected.Length > 0)} with identifiers)\n");
        report.AppendLine("  kind          tp   fp   fn  precision  recall");
        foreach (var (kind, c) in counts)
            report.AppendLine(CultureInfo.InvariantCulture, $"  {kind,-12} {c.Tp,4} {c.Fp,4} {c.Fn,4}  {Ratio(c.Tp, c.Tp + c.Fp),9}  {Ratio(c.Tp, c.Tp + c.Fn),6}");
        int tp = counts.Values.Sum(c => c.Tp), fp = counts.Values.Sum(c => c.Fp), fn = counts.Values.Sum(c => c.Fn);
        report.Append(CultureInfo.InvariantCulture, $"  {"overall",-12} {tp,4} {fp,4} {fn,4}  {Ratio(tp, tp + fp),9}  {Ratio(tp, tp + fn),6}");
        output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString()); // in test.sh's output too, not only in the test's
        var precision = tp / (double)(tp + fp);
        var recall = tp / (double)(tp + fn);
        Assert.True(precision >= 0.97, $"precision {precision:0.000}");
        Assert.True(recall >= 0.97, $"recall {recall:0.000}");
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
