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
/// <para><b>Accuracy mode.</b> <see cref="LanguageAccuracy.High"/> (all n-gram orders) in production: chat turns are
/// short, which is exactly where the low-accuracy mode (trigrams only) fails. Its price is memory and a start: the
/// models of every candidate language load on first use (seconds of CPU, over a gigabyte) and stay for the process;
/// Retention loads them when it starts (<c>LanguageModelWarmup</c>). <see cref="LanguageAccuracy.Low"/> loads in
/// under a second and a tenth of the memory; the test stacks use it (<c>Language:Accuracy</c>), the labeled set is
/// measured in both. A detection reads at most <see cref="SampleLength"/> characters of user text.</para>
/// <para><b>Undetermined.</b> Fewer than <see cref="MinimumLetters"/> letters, Lingua unable to decide, or its most
/// likely language below <see cref="MinimumConfidence"/> (a mix, or a greeting many languages share). The threshold
/// was chosen on the labeled set in the tests: it leaves longer turns as they are and turns most wrong tags of
/// greetings into <c>und</c> while keeping most right ones.</para>
/// </summary>
public sealed class LanguageDetector
{
    public const string Undetermined = "und";
    public const int SampleLength = 600;
    public const int MinimumLetters = 4;
    public const double MinimumConfidence = 0.25;

    static readonly Lingua.Language[] Excluded =
        [Bosnian, Malay, Nynorsk, Latin, Esperanto, Ganda, Maori, Oromo, Shona, Sotho, Tsonga, Tswana, Xhosa, Zulu, Yoruba, Somali];

    public static IReadOnlyList<Lingua.Language> Languages { get; } = [.. LanguageInfo.All().Except(Excluded)];

    /// <summary>The two detectors (Lingua shares its loaded models between instances of a process).</summary>
    public static LanguageDetector High { get; } = new(LanguageAccuracy.High);
    public static LanguageDetector Low { get; } = new(LanguageAccuracy.Low);

    public static LanguageDetector For(LanguageAccuracy accuracy) => accuracy == LanguageAccuracy.High ? High : Low;

    readonly Lazy<Lingua.LanguageDetector> _detector;

    LanguageDetector(LanguageAccuracy accuracy)
    {
        Accuracy = accuracy;
        _detector = new(() => accuracy == LanguageAccuracy.High
            ? LanguageDetectorBuilder.FromLanguages([.. Languages]).Build()
            : LanguageDetectorBuilder.FromLanguages([.. Languages]).WithLowAccuracyMode().Build());
    }

    public LanguageAccuracy Accuracy { get; }

    /// <summary>The language a revision is tagged with: an import's upstream tag, else the language of its user turns.</summary>
    public string Of(ConversationContent content) =>
        content.Language ?? Detect(content.Turns.Where(t => t.Role == ShareLM.Events.Vocabulary.RoleUser).Select(t => t.Content));

    /// <summary>The language of a conversation: its user turns, read up to <see cref="SampleLength"/> characters.</summary>
    public string Detect(IEnumerable<string> userTurns)
    {
        var sample = new StringBuilder();
        foreach (var turn in userTurns)
        {
            if (sample.Length >= SampleLength) break;
            sample.Append(turn.AsSpan(0, Math.Min(turn.Length, SampleLength - sample.Length))).Append('\n');
        }
        return Detect(sample.ToString());
    }

    public string Detect(string text)
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
    public (string Language, double Confidence) MostLikely(string text)
    {
        foreach (var (language, confidence) in _detector.Value.ComputeLanguageConfidenceValues(text))
            return language == Unknown ? (Undetermined, 0) : (Code(language), confidence);
        return (Undetermined, 0);
    }

    static string Code(Lingua.Language language) => language.IsoCode6391().ToString().ToLowerInvariant();
}

public enum LanguageAccuracy { High, Low }

/// <summary>Which detector a service uses (section <c>Language</c>).</summary>
public sealed class LanguageOptions
{
    public const string Section = "Language";

    public LanguageAccuracy Accuracy { get; set; } = LanguageAccuracy.High;
}
