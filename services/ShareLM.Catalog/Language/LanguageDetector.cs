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

    static readonly string[] Languages = [.. FunctionWords.Keys];

    /// <summary>Each function word and the languages (indexes into <see cref="Languages"/>) that use it.</summary>
    static readonly Dictionary<string, int[]> WordLanguages = FunctionWords
        .SelectMany(kv => kv.Value.Select(word => (word, language: Array.IndexOf(Languages, kv.Key))))
        .GroupBy(x => x.word)
        .ToDictionary(g => g.Key, g => g.Select(x => x.language).ToArray());

    // Looked up by span: the tokenizer allocates nothing per word.
    static readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> WordLookup = WordLanguages.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Letters that only some languages use settle close calls: (language, letters, weight per letter, at most 5 counted).</summary>
    static readonly (string Language, string Letters, double Weight)[] TelltaleLetters =
    [
        ("de", "äöüß", 0.6),
        ("es", "ñ¿¡", 1.0),
        ("fr", "çèêëœ", 0.5),
        ("pt", "ãõ", 1.0),
        ("pl", "łąężśźćń", 0.8),
        ("tr", "ğşı", 1.0),
        ("sv", "å", 0.6),
        ("vi", "ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư", 1.0),
    ];

    static readonly int[] TelltaleLanguage = [.. TelltaleLetters.Select(t => Array.IndexOf(Languages, t.Language))];

    static readonly Dictionary<char, int[]> TelltaleGroups = TelltaleLetters
        .SelectMany((t, group) => t.Letters.Select(letter => (letter, group)))
        .GroupBy(x => x.letter)
        .ToDictionary(g => g.Key, g => g.Select(x => x.group).ToArray());

    enum Script { Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Bengali, Tamil, Thai, Georgian, Hangul, Kana, Han, Other }
    const int ScriptCount = (int)Script.Other + 1;

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
        Span<int> scripts = stackalloc int[ScriptCount];
        // Scripts in the order they first appear (Latin always first): ties go to the earliest.
        Span<int> order = stackalloc int[ScriptCount];
        order[0] = (int)Script.Latin;
        var seen = 1;
        var letters = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune)) continue;
            letters++;
            var script = (int)ScriptOf(rune.Value);
            if (scripts[script]++ == 0 && script != (int)Script.Latin) order[seen++] = script;
        }
        if (letters < 3) return Undetermined;

        var top = order[0];
        for (var i = 1; i < seen; i++) if (scripts[order[i]] > scripts[top]) top = order[i];
        var count = scripts[top];
        if (top != (int)Script.Latin && count >= Math.Max(2, letters * 0.3))
        {
            return (Script)top switch
            {
                Script.Hangul => "ko",
                Script.Kana => "ja",
                Script.Han => scripts[(int)Script.Kana] > 0 ? "ja" : "zh",
                Script.Cyrillic => text.IndexOfAny(['і', 'ї', 'є', 'ґ', 'І', 'Ї', 'Є']) >= 0 ? "uk" : "ru",
                Script.Arabic => text.Count(c => c is 'پ' or 'چ' or 'ژ' or 'گ' or 'ی') > count * 0.03 ? "fa" : "ar",
                Script.Hebrew => "he",
                Script.Greek => "el",
                Script.Devanagari => "hi",
                Script.Thai => "th",
                Script.Bengali => "bn",
                Script.Tamil => "ta",
                Script.Georgian => "ka",
                Script.Armenian => "hy",
                _ => Undetermined,
            };
        }
        if (scripts[(int)Script.Han] > 0 && scripts[(int)Script.Kana] > 0 && scripts[(int)Script.Latin] < letters * 0.7) return "ja";
        return DetectLatin(text);
    }

    static string DetectLatin(string text)
    {
        Span<double> scores = stackalloc double[Languages.Length];
        Span<int> telltale = stackalloc int[TelltaleLetters.Length];
        Span<char> word = stackalloc char[64];
        var length = 0;
        var overflow = false;
        var words = 0;
        string? firstMatch = null;
        var distinct = false;

        // One pass: tokens (letters and apostrophes, lower-cased, apostrophes trimmed) and telltale letters.
        foreach (var c in text)
        {
            var lower = char.ToLowerInvariant(c);
            // Every telltale letter is outside ASCII, which most text is.
            if (lower > '\u007f' && TelltaleGroups.TryGetValue(lower, out var groups))
                foreach (var group in groups) telltale[group]++;
            if (char.IsLetter(c) || c == '\'')
            {
                if (length < word.Length) word[length++] = lower; else overflow = true;
                continue;
            }
            EndWord(word[..length], overflow, scores);
            length = 0;
            overflow = false;
        }
        EndWord(word[..length], overflow, scores);

        void EndWord(ReadOnlySpan<char> token, bool tooLong, Span<double> scores)
        {
            token = token.Trim('\'');
            // One-letter tokens (loop variables, URL fragments, initials) are too ambiguous to count.
            if (token.Length <= 1) return;
            words++;
            if (tooLong || !WordLookup.TryGetValue(token, out var key, out var languages)) return;
            if (firstMatch is null) firstMatch = key;
            else if (!ReferenceEquals(firstMatch, key)) distinct = true;
            foreach (var language in languages) scores[language] += 1.0 / languages.Length;
        }

        if (words < 3 || !distinct) return Undetermined;
        for (var group = 0; group < TelltaleLetters.Length; group++)
            if (telltale[group] > 0)
                scores[TelltaleLanguage[group]] += Math.Min(telltale[group], 5) * TelltaleLetters[group].Weight;

        // The best language (the first listed among equals) against the runner-up.
        var best = 0;
        for (var i = 1; i < scores.Length; i++) if (scores[i] > scores[best]) best = i;
        var second = double.MinValue;
        for (var i = 0; i < scores.Length; i++) if (i != best && scores[i] > second) second = scores[i];
        var bestScore = scores[best];
        if (bestScore < 2 || bestScore < Math.Max(1.0, words * 0.08)) return Undetermined;
        if (bestScore < second * 1.3) return Undetermined;
        return Languages[best];
    }

    static Script ScriptOf(int v) => v switch
    {
        < 0x0250 => Script.Latin,
        >= 0x1E00 and <= 0x1EFF => Script.Latin,
        >= 0x0370 and <= 0x03FF => Script.Greek,
        >= 0x0400 and <= 0x052F => Script.Cyrillic,
        >= 0x0530 and <= 0x058F => Script.Armenian,
        >= 0x0590 and <= 0x05FF => Script.Hebrew,
        >= 0x0600 and <= 0x06FF or >= 0x0750 and <= 0x077F or >= 0xFB50 and <= 0xFDFF or >= 0xFE70 and <= 0xFEFF => Script.Arabic,
        >= 0x0900 and <= 0x097F => Script.Devanagari,
        >= 0x0980 and <= 0x09FF => Script.Bengali,
        >= 0x0B80 and <= 0x0BFF => Script.Tamil,
        >= 0x0E00 and <= 0x0E7F => Script.Thai,
        >= 0x10A0 and <= 0x10FF => Script.Georgian,
        >= 0x1100 and <= 0x11FF or >= 0xAC00 and <= 0xD7AF or >= 0x3130 and <= 0x318F => Script.Hangul,
        >= 0x3040 and <= 0x30FF or >= 0x31F0 and <= 0x31FF => Script.Kana,
        >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF => Script.Han,
        _ => Script.Other,
    };
}
