package io.driftgate.core.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextNormalizerTest {

  @Test
  void foldsCompatibilityFormsCaseControlCharactersAndSpaces() {
    // Full-width letters and digits (NFKC), a ligature, upper case, a zero-width space (format),
    // a bell (control), tabs and no-break spaces.
    assertThat(TextNormalizer.normalize("  ＨＥＬＬＯ\u200b ｗｏｒｌｄ\u0007\t\u00a0 ﬁne １２ "))
        .isEqualTo("hello world fine 12");
    assertThat(TextNormalizer.normalize(null)).isEmpty();
    assertThat(TextNormalizer.normalize(" \t\n")).isEmpty();
  }

  @Test
  void wordsSplitPunctuationAndIdeographsOff() {
    assertThat(TextNormalizer.words("A dog's bark, (loud)! 3.5$ 東京タワー"))
        .containsExactly(
            "a", "dog", "'", "s", "bark", ",", "(", "loud", ")", "!", "3", ".", "5", "$", "東", "京",
            "タワー");
    assertThat(TextNormalizer.words("")).isEmpty();
  }
}
