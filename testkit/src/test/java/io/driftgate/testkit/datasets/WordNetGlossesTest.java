package io.driftgate.testkit.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordNetGlossesTest {
  @Test
  void parsesADataLineWithWordsLexFileAndGlossWithoutExamples() {
    WordNetGlosses.Gloss g =
        WordNetGlosses.parse(
            "02084071 05 n 02 dog 0 domestic_dog 0 002 @ 02083346 n 0000 ~ 01322604 n 0000 | a"
                + " member of the genus Canis; \"the dog barked all night\"  ");
    assertThat(g.id()).isEqualTo("wn30-n02084071");
    assertThat(g.pos()).isEqualTo('n');
    assertThat(g.lexName()).isEqualTo("noun.animal");
    assertThat(g.words()).containsExactly("dog", "domestic_dog");
    assertThat(g.definition()).isEqualTo("a member of the genus Canis");
  }

  @Test
  void wordCountIsHexadecimalAndSatellitesShareTheAdjectiveIdSpace() {
    StringBuilder line = new StringBuilder("00001234 00 s 0b");
    for (int i = 0; i < 11; i++) {
      line.append(" w").append(i).append(" 0");
    }
    line.append(" 000 | eleven words");
    WordNetGlosses.Gloss g = WordNetGlosses.parse(line.toString());
    assertThat(g.words()).hasSize(11).endsWith("w10");
    assertThat(g.id()).isEqualTo("wn30-a00001234");
    assertThat(g.lexName()).isEqualTo("adj.all");
  }

  @Test
  void aLineWithoutGlossIsRefusedWithTheLine() {
    assertThatThrownBy(() -> WordNetGlosses.parse("00001740 03 n 01 entity 0 000"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("00001740 03 n");
  }

  @Test
  void aMissingDatabaseNamesTheFileAndTheFix(@TempDir Path empty) {
    assertThatThrownBy(() -> WordNetGlosses.read(empty))
        .hasMessageContaining("data.noun")
        .hasMessageContaining("wordnet-base");
  }

  /** The real database (installed by deploy/scripts/validate.sh, which CI runs first). */
  @Test
  void readsTheWholeDebianDatabase() {
    List<WordNetGlosses.Gloss> all = WordNetGlosses.read(WordNetGlosses.DEBIAN_DIR);
    // WordNet 3.0: 82,115 noun, 13,767 verb, 18,156 adjective and 3,621 adverb synsets.
    Map<Character, Long> byPos =
        all.stream()
            .collect(
                Collectors.groupingBy(g -> g.pos() == 's' ? 'a' : g.pos(), Collectors.counting()));
    assertThat(byPos).containsEntry('n', 82_115L).containsEntry('v', 13_767L);
    assertThat(byPos).containsEntry('a', 18_156L).containsEntry('r', 3_621L);
    Set<String> ids = new HashSet<>();
    assertThat(all).allMatch(g -> ids.add(g.id()), "ids are unique");
    assertThat(all).allMatch(g -> !g.definition().isBlank() && !g.definition().contains("| "));
    Map<String, WordNetGlosses.Gloss> byId =
        all.stream().collect(Collectors.toMap(WordNetGlosses.Gloss::id, Function.identity()));
    assertThat(byId.get("wn30-n00001740").words()).containsExactly("entity");
  }
}
