using ShareLM.Catalog.Language;

namespace ShareLM.Catalog.Tests;

public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("en", "Can you help me write a cover letter for a job application? I want it to sound professional.")]
    [InlineData("en", "What is the difference between a list and a tuple in Python, and when should I use each?")]
    [InlineData("es", "¿Puedes explicarme cómo funciona la fotosíntesis en las plantas? Necesito un resumen para mi clase.")]
    [InlineData("fr", "Peux-tu m'aider à écrire une lettre de motivation pour un stage dans une entreprise de logiciels ?")]
    [InlineData("de", "Kannst du mir bitte erklären, wie die Photosynthese bei Pflanzen funktioniert? Ich brauche das für die Schule.")]
    [InlineData("it", "Mi puoi spiegare come funziona la fotosintesi nelle piante? Ho bisogno di un riassunto per la scuola.")]
    [InlineData("pt", "Você pode me explicar como funciona a fotossíntese nas plantas? Preciso de um resumo para a escola.")]
    [InlineData("nl", "Kun jij mij uitleggen hoe fotosynthese werkt bij planten? Ik heb het nodig voor een werkstuk op school.")]
    [InlineData("pl", "Czy możesz mi wyjaśnić, jak działa fotosynteza u roślin? Potrzebuję tego do szkoły, proszę.")]
    [InlineData("tr", "Bana bitkilerde fotosentezin nasıl çalıştığını açıklar mısın? Okul için bir özet lazım, lütfen.")]
    [InlineData("sv", "Kan du förklara hur fotosyntesen fungerar hos växter? Jag behöver det för en uppgift i skolan.")]
    [InlineData("id", "Bisakah kamu menjelaskan bagaimana fotosintesis bekerja pada tumbuhan? Saya perlu ringkasan untuk sekolah.")]
    [InlineData("vi", "Bạn có thể giải thích cách quang hợp hoạt động ở thực vật không? Tôi cần một bản tóm tắt cho lớp học.")]
    [InlineData("ru", "Можешь объяснить, как работает фотосинтез у растений? Мне нужно краткое изложение для школы.")]
    [InlineData("uk", "Чи можеш ти пояснити, як працює фотосинтез у рослин? Мені потрібен короткий виклад для школи.")]
    [InlineData("zh", "你能解释一下植物的光合作用是如何进行的吗？我需要为学校写一个总结。")]
    [InlineData("ja", "植物の光合成がどのように働くのか説明してもらえますか？学校のために要約が必要です。")]
    [InlineData("ko", "식물의 광합성이 어떻게 작동하는지 설명해 줄 수 있나요? 학교 과제로 요약이 필요해요.")]
    [InlineData("ar", "هل يمكنك أن تشرح لي كيف تعمل عملية التمثيل الضوئي في النباتات؟ أحتاج إلى ملخص للمدرسة.")]
    [InlineData("fa", "آیا می‌توانی توضیح بدهی که فتوسنتز در گیاهان چگونه کار می‌کند؟ برای مدرسه یک خلاصه لازم دارم.")]
    [InlineData("he", "אתה יכול להסביר לי איך עובדת הפוטוסינתזה בצמחים? אני צריך סיכום לבית הספר.")]
    [InlineData("hi", "क्या आप समझा सकते हैं कि पौधों में प्रकाश संश्लेषण कैसे काम करता है? मुझे स्कूल के लिए सारांश चाहिए।")]
    [InlineData("el", "Μπορείς να μου εξηγήσεις πώς λειτουργεί η φωτοσύνθεση στα φυτά; Χρειάζομαι μια περίληψη για το σχολείο.")]
    [InlineData("th", "คุณช่วยอธิบายได้ไหมว่าการสังเคราะห์ด้วยแสงในพืชทำงานอย่างไร ฉันต้องการสรุปสำหรับโรงเรียน")]
    public void Detects_the_major_languages(string expected, string text)
    {
        Assert.Equal(expected, LanguageDetector.Detect(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("42")]
    [InlineData("ok")]
    [InlineData("for (int i = 0; i < n; i++) { x[i] = y[i] * 2; }")]
    [InlineData("SELECT id, name FROM users WHERE id = 7")]
    [InlineData("https://example.com/a/b?c=d")]
    public void Says_und_when_unsure(string text)
    {
        Assert.Equal(LanguageDetector.Undetermined, LanguageDetector.Detect(text));
    }

    [Fact]
    public void Uses_only_the_user_turns_it_is_given()
    {
        Assert.Equal("de", LanguageDetector.Detect(["Wie spät ist es in Berlin und was ist das Wetter heute?", "Und morgen?"]));
    }
}
