using System.Globalization;
using System.Text;

namespace ShareLM.Catalog.Language;

/// <summary>
/// A small language identifier for the user turns (ISO 639-1, <see cref="Undetermined"/> when unsure): the
/// writing system settles most non-Latin languages; Latin-script text is scored by frequent function words
/// and telltale letters, and must win clearly. No language package is served here, so this is our own.
/// </summary>
public static class LanguageDetector
{
    public const string Undetermined = "und";
    const int SampleLength = 4_000;

    static readonly Dictionary<string, string[]> FunctionWords = new()
    {
        ["en"] = ["the", "and", "is", "are", "to", "of", "in", "that", "it", "you", "for", "with", "this", "what", "how", "can", "do", "be", "have", "not", "on", "my", "i", "was", "please", "write", "would", "could", "me", "an"],
        ["es"] = ["el", "la", "los", "las", "de", "que", "y", "en", "un", "una", "es", "por", "para", "con", "no", "se", "del", "lo", "como", "más", "pero", "qué", "cómo", "yo", "mi", "puedes", "está", "son", "al", "muy"],
        ["fr"] = ["le", "la", "les", "de", "des", "et", "est", "un", "une", "que", "qui", "en", "du", "pour", "pas", "dans", "sur", "avec", "ce", "il", "je", "vous", "tu", "au", "ne", "sont", "mais", "comment", "quoi", "peux"],
        ["de"] = ["der", "die", "das", "und", "ist", "nicht", "ein", "eine", "zu", "den", "mit", "sich", "auf", "für", "ich", "du", "sie", "es", "wie", "was", "auch", "dem", "von", "kannst", "bitte", "sind", "wir", "mir", "aber", "oder"],
        ["it"] = ["il", "lo", "la", "gli", "le", "di", "che", "è", "e", "un", "una", "per", "non", "con", "sono", "mi", "come", "del", "della", "si", "ho", "ma", "questo", "puoi", "cosa", "anche", "io", "nel", "alla", "perché"],
        ["pt"] = ["o", "a", "os", "as", "de", "que", "e", "do", "da", "em", "um", "uma", "para", "com", "não", "por", "se", "na", "no", "mais", "como", "eu", "você", "é", "são", "pode", "dos", "das", "mas", "isso"],
        ["nl"] = ["de", "het", "een", "en", "van", "is", "dat", "niet", "te", "in", "op", "ik", "je", "met", "voor", "zijn", "er", "maar", "wat", "hoe", "kun", "jij", "ook", "dit", "naar", "wordt", "heb", "mijn", "aan", "als"],
        ["pl"] = ["i", "w", "nie", "na", "się", "że", "jest", "do", "to", "z", "co", "jak", "ale", "czy", "mi", "mnie", "tak", "od", "po", "dla", "jestem", "możesz", "proszę", "być", "ten", "ta", "sa", "są", "przez", "który"],
        ["tr"] = ["ve", "bir", "bu", "da", "de", "için", "ile", "ne", "mi", "çok", "ben", "sen", "nasıl", "var", "yok", "gibi", "daha", "olan", "ama", "her", "lütfen", "bana", "misin", "musun", "nedir", "olarak", "değil", "şey", "kadar", "sonra"],
        ["sv"] = ["och", "att", "det", "som", "en", "är", "på", "av", "för", "med", "till", "den", "inte", "har", "jag", "du", "om", "kan", "vad", "hur", "ett", "men", "var", "så", "från", "mig", "eller", "vi", "detta", "också"],
        ["id"] = ["dan", "yang", "di", "ini", "itu", "dengan", "untuk", "tidak", "dari", "dalam", "ada", "saya", "anda", "apa", "bisa", "akan", "ke", "juga", "atau", "bagaimana", "kamu", "tolong", "adalah", "sudah", "karena", "pada", "mereka", "kita", "lebih", "jika"],
        ["vi"] = ["và", "của", "là", "có", "không", "được", "trong", "cho", "một", "những", "với", "các", "này", "tôi", "bạn", "người", "làm", "như", "thì", "để", "khi", "đã", "gì", "nào", "sao", "cách", "hãy", "về", "từ", "cũng"],
    };

    static readonly Dictionary<string, Dictionary<string, string[]>> WordIndex = BuildIndex();

    static Dictionary<string, Dictionary<string, string[]>> BuildIndex()
    {
        var index = new Dictionary<string, List<string>>();
        foreach (var (language, words) in FunctionWords)
            foreach (var word in words)
            {
                if (!index.TryGetValue(word, out var list)) index[word] = list = [];
                list.Add(language);
            }
        return new() { ["all"] = index.ToDictionary(k => k.Key, v => v.Value.ToArray()) };
    }

    public static string Detect(IEnumerable<string> userTurns)
    {
        var sample = new StringBuilder();
        foreach (var turn in userTurns)
        {
            if (sample.Length >= SampleLength) break;
            sample.Append(turn.AsSpan(0, Math.Min(turn.Length, SampleLength - sample.Length))).Append('\n');
        }
        return Detect(sample.ToString());
    }

    public static string Detect(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Undetermined;
        var scripts = CountScripts(text, out var letters);
        if (letters < 3) return Undetermined;

        var (script, count) = scripts.MaxBy(kv => kv.Value);
        if (script != "latin" && count >= Math.Max(2, letters * 0.3))
        {
            return script switch
            {
                "hangul" => "ko",
                "kana" => "ja",
                "han" => scripts.GetValueOrDefault("kana") > 0 ? "ja" : "zh",
                "cyrillic" => text.IndexOfAny(['і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є']) >= 0 ? "uk" : "ru",
                "arabic" => text.Count(c => c is 'پ' or 'چ' or 'ژ' or 'گ' or 'ی') > count * 0.03 ? "fa" : "ar",
                "hebrew" => "he",
                "greek" => "el",
                "devanagari" => "hi",
                "thai" => "th",
                "bengali" => "bn",
                "tamil" => "ta",
                "georgian" => "ka",
                "armenian" => "hy",
                _ => Undetermined,
            };
        }
        if (scripts.GetValueOrDefault("han") > 0 && scripts.GetValueOrDefault("kana") > 0 && scripts["latin"] < letters * 0.7) return "ja";
        return DetectLatin(text);
    }

    static string DetectLatin(string text)
    {
        var scores = FunctionWords.Keys.ToDictionary(k => k, _ => 0.0);
        var words = 0;
        var distinct = new HashSet<string>();
        // One-letter tokens (loop variables, URL fragments, initials) are too ambiguous to count.
        foreach (var token in Tokens(text).Where(t => t.Length > 1))
        {
            words++;
            if (WordIndex["all"].TryGetValue(token, out var languages))
            {
                distinct.Add(token);
                foreach (var language in languages) scores[language] += 1.0 / languages.Length;
            }
        }
        if (words < 3 || distinct.Count < 2) return Undetermined;

        // Letters that only some languages use settle close calls.
        void Boost(string language, string letters, double weight)
        {
            var n = text.Count(c => letters.Contains(char.ToLowerInvariant(c)));
            if (n > 0) scores[language] += Math.Min(n, 5) * weight;
        }
        Boost("de", "äöüß", 0.6);
        Boost("es", "ñ¿¡", 1.0);
        Boost("fr", "çèêëœ", 0.5);
        Boost("pt", "ãõ", 1.0);
        Boost("pl", "łąężśźćń", 0.8);
        Boost("tr", "ğşı", 1.0);
        Boost("sv", "å", 0.6);
        Boost("vi", "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư", 1.0);

        var ranked = scores.OrderByDescending(kv => kv.Value).ToArray();
        var (best, bestScore) = ranked[0];
        var second = ranked[1].Value;
        if (bestScore < 2 || bestScore < Math.Max(1.0, words * 0.08)) return Undetermined;
        if (bestScore < second * 1.3) return Undetermined;
        return best;
    }

    static IEnumerable<string> Tokens(string text)
    {
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsLetter(c) || c == '\'') { word.Append(char.ToLowerInvariant(c)); continue; }
            if (word.Length > 0) { yield return word.ToString().Trim('\''); word.Clear(); }
        }
        if (word.Length > 0) yield return word.ToString().Trim('\'');
    }

    static Dictionary<string, int> CountScripts(string text, out int letters)
    {
        var counts = new Dictionary<string, int> { ["latin"] = 0 };
        letters = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            letters++;
            var v = rune.Value;
            var script = v switch
            {
                < 0x0250 => "latin",
                >= 0x1E00 and <= 0x1EFF => "latin",
                >= 0x0370 and <= 0x03FF => "greek",
                >= 0x0400 and <= 0x052F => "cyrillic",
                >= 0x0530 and <= 0x058F => "armenian",
                >= 0x0590 and <= 0x05FF => "hebrew",
                >= 0x0600 and <= 0x06FF or >= 0x0750 and <= 0x077F or >= 0xFB50 and <= 0xFDFF or >= 0xFE70 and <= 0xFEFF => "arabic",
                >= 0x0900 and <= 0x097F => "devanagari",
                >= 0x0980 and <= 0x09FF => "bengali",
                >= 0x0B80 and <= 0x0BFF => "tamil",
                >= 0x0E00 and <= 0x0E7F => "thai",
                >= 0x10A0 and <= 0x10FF => "georgian",
                >= 0x1100 and <= 0x11FF or >= 0xAC00 and <= 0xD7AF or >= 0x3130 and <= 0x318F => "hangul",
                >= 0x3040 and <= 0x30FF or >= 0x31F0 and <= 0x31FF => "kana",
                >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF => "han",
                _ => "other",
            };
            counts[script] = counts.GetValueOrDefault(script) + 1;
        }
        return counts;
    }
}
