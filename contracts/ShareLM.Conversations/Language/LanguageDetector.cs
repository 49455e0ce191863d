using System.Text;
using Lingua;
using static Lingua.Language;

namespace ShareLM.Conversations.Language;

/// <summary>
/// Tags a conversation with the language of its user turns (ISO 639-1, <see cref="Undetermined"/> when the text is
/// too short or too mixed to say), using Lingua (SearchPioneer.Lingua), built for short text.
/// <para><b>Languages.</b> Those Lingua knows, less a few that are rare in chats with assistants and sit next to a
/// common one, where a confident wrong tag would cost researchers more than <c>und</c>: Bosnian (read as Croatian or
/// Serbian), Malay (as Indonesian), Nynorsk (Norwegian goes out as Bokmål, <c>nb</c>), Latin, Esperanto, and the
/// Southern African and other languages whose short-text profiles otherwise claim short English and Romance turns
/// (Ganda, Maori, Oromo, Shona, Sotho, Tsonga, Tswana, Xhosa, Zulu, Yoruba, Somali).</para>
/// <para><b>Accuracy mode.</b> High (all n-gram orders, the default): chat turns are short, which is exactly where
/// the low-accuracy mode (trigrams only) fails. Its cost is bounded by reading at most <see cref="SampleLength"/>
/// characters of user text; models load on first use and stay for the process.</para>
/// <para><b>Undetermined.</b> Fewer than <see cref="MinimumLetters"/> letters, Lingua unable to decide, or its most
/// likely language below <see cref="MinimumConfidence"/> (a mix, or a greeting many languages share). The threshold
/// was chosen on the labeled set in the tests: it leaves longer turns as they are and turns most wrong tags of
/// greetings into <c>und</c> while keeping most right ones.</para>
/// </summary>
public static class LanguageDetector
{
    public const string Undetermined = "und";
    public const int SampleLength = 600;
    public const int MinimumLetters = 4;
    public const double MinimumConfidence = 0.25;

    static readonly Lingua.Language[] Excluded =
        [Bosnian, Malay, Nynorsk, Latin, Esperanto, Ganda, Maori, Oromo, Shona, Sotho, Tsonga, Tswana, Xhosa, Zulu, Yoruba, Somali];

    public static IReadOnlyList<Lingua.Language> Languages { get; } = [.. LanguageInfo.All().Except(Excluded)];

    static readonly Lingua.LanguageDetector Detector = LanguageDetectorBuilder.FromLanguages([.. Languages]).Build();

    /// <summary>The language a revision is tagged with: an import's upstream tag, else the language of its user turns.</summary>
    public static string Of(ConversationContent content) =>
        content.Language ?? Detect(content.Turns.Where(t => t.Role == ShareLM.Events.Vocabulary.RoleUser).Select(t => t.Content));

    /// <summary>The language of a conversation: its user turns, read up to <see cref="SampleLength"/> characters.</summary>
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
        if (text.Length > SampleLength) text = text[..SampleLength];
        var letters = 0;
        foreach (var rune in text.EnumerateRunes())
            if (Rune.IsLetter(rune) && (letters += Weight(rune)) >= MinimumLetters) break;
        if (letters < MinimumLetters) return Undetermined;

        var (language, confidence) = MostLikely(text);
        return language == Undetermined || confidence < MinimumConfidence ? Undetermined : language;
    }

    /// <summary>A Chinese character or a Hangul syllable says as much as a word: "你好" is a greeting, "ok" is not text.</summary>
    static int Weight(Rune letter) => letter.Value is >= 0x3040 and <= 0x30FF or >= 0x3400 and <= 0x9FFF or >= 0xAC00 and <= 0xD7AF ? 2 : 1;

    /// <summary>Lingua's most likely language for <paramref name="text"/> and its confidence, before any threshold.</summary>
    public static (string Language, double Confidence) MostLikely(string text)
    {
        foreach (var (language, confidence) in Detector.ComputeLanguageConfidenceValues(text))
            return language == Unknown ? (Undetermined, 0) : (Code(language), confidence);
        return (Undetermined, 0);
    }

    static string Code(Lingua.Language language) => language.IsoCode6391().ToString().ToLowerInvariant();
}
