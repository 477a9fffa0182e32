package io.driftgate.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.drift.profile.ProfiledKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV datasets of {@code driftgate drift}: RFC 4180 through Commons CSV, typed by the features. */
class DatasetFilesCsvTest {
  @TempDir Path dir;

  static final List<ProfiledFeature> FEATURES =
      List.of(
          ProfiledFeature.numeric("distance"),
          ProfiledFeature.categorical("note"),
          ProfiledFeature.categorical("zip"));

  Path csv(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  List<Map<String, Object>> rows(Path file, List<ProfiledFeature> types) {
    List<Map<String, Object>> rows = new ArrayList<>();
    DatasetFiles.forEachRow(file.toString(), types, rows::add);
    return rows;
  }

  @Test
  void quotedFieldsKeepTheirCommasQuotesAndLineBreaks() throws Exception {
    Path file =
        csv(
            "quoted.csv",
            "distance,note,zip\r\n"
                + "12.5,\"late, then \"\"very\"\" late\",02139\r\n"
                + "\r\n" // a blank line is skipped
                + "7,\"two\nlines\",10001\n"
                + "  3 ,,\"99\"\n");
    List<Map<String, Object>> rows = rows(file, FEATURES);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0))
        .containsEntry("distance", 12.5)
        .containsEntry("note", "late, then \"very\" late")
        .containsEntry("zip", "02139");
    assertThat(rows.get(1)).containsEntry("distance", 7.0).containsEntry("note", "two\nlines");
    assertThat(rows.get(2))
        .containsEntry("distance", 3.0)
        .containsEntry("note", null)
        .containsEntry("zip", "99");

    DatasetProfile profile = DatasetFiles.profile(file.toString(), FEATURES);
    assertThat(profile.rowCount()).isEqualTo(3);
    assertThat(((CategoricalProfile) profile.feature("note").orElseThrow()).valueCounts())
        .containsOnlyKeys("late, then \"very\" late", "two\nlines");
  }

  @Test
  void aCategoricalThatLooksNumericStaysAString() throws Exception {
    Path file = csv("zips.csv", "distance,note,zip\n1,a,007\n2,b,7\n3,c,7.0\n4,d,1e3\n");
    DatasetProfile profile = DatasetFiles.profile(file.toString(), FEATURES);
    CategoricalProfile zip = (CategoricalProfile) profile.feature("zip").orElseThrow();
    // Four distinct categories: none of them is read as a number (7.0, 1000.0).
    assertThat(zip.valueCounts())
        .containsExactlyInAnyOrderEntriesOf(Map.of("007", 1L, "7", 1L, "7.0", 1L, "1e3", 1L));
    NumericProfile distance = (NumericProfile) profile.feature("distance").orElseThrow();
    assertThat(distance.validCount()).isEqualTo(4);
  }

  @Test
  void aBadNumericCellNamesFileLineColumnAndValue() throws Exception {
    Path file = csv("bad.csv", "note,distance,zip\n\"a\nb\",1,x\nok,2,y\nok,12 km,z\n");
    assertThatThrownBy(() -> DatasetFiles.profile(file.toString(), FEATURES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            file
                + " line 5, column 2 (distance): \"12 km\" is not a number, and distance is a"
                + " numeric feature (leave the cell empty for a missing value)");
  }

  @Test
  void aBadNumericCellAfterAMultiLineCellOfTheSameRecordIsOnItsOwnLine() throws Exception {
    Path file = csv("multi.csv", "distance,note,zip\n1,x,y\nn/a,\"a\nb\nc\",z\n");
    assertThatThrownBy(() -> DatasetFiles.profile(file.toString(), FEATURES))
        .hasMessageContaining(file + " line 3, column 1 (distance): \"n/a\" is not a number");
    Path last =
        csv("last.csv", "distance,note,zip\n1,x,y\r\n2,\"p\r\nq\",r\r\n3,t,nine"); // no final EOL
    assertThat(rows(last, List.of())).hasSize(3);
    Path lastBad = csv("last-bad.csv", "distance,note,zip\n1,x,y\r\n2,\"p\r\nq\",r\r\n-,t,u");
    assertThatThrownBy(() -> rows(lastBad, FEATURES))
        .hasMessageContaining(lastBad + " line 5, column 1 (distance): \"-\" is not a number");
  }

  @Test
  void aRaggedRecordAndABrokenQuoteAreClearErrors() throws Exception {
    Path ragged = csv("ragged.csv", "distance,note,zip\n1,a,b\n2,c\n");
    assertThatThrownBy(() -> rows(ragged, FEATURES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            ragged + " line 3: 2 cell(s), but the header line has 3 column(s) (distance,note,zip)");

    Path quote = csv("quote.csv", "distance,note,zip\n1,\"open,b\n2,c,d\n");
    assertThatThrownBy(() -> rows(quote, FEATURES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(quote + ": not valid CSV: ");

    Path duplicate = csv("dup.csv", "distance,distance\n1,2\n");
    assertThatThrownBy(() -> rows(duplicate, FEATURES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(duplicate + " line 1 (header): ")
        .hasMessageContaining("distance");
  }

  @Test
  void withoutTypesCellsAreStringsAndInferenceReadsNumericColumns() throws Exception {
    Path file = csv("plain.csv", "\uFEFFamount,code\n1.5,01\n,02\n-3e2,x\n");
    assertThat(rows(file, List.of()).get(0)).containsEntry("amount", "1.5").containsKey("code");
    assertThat(DatasetFiles.inferFeatures(file.toString(), List.of()))
        .containsExactly(
            new ProfiledFeature("amount", ProfiledKind.NUMERIC),
            new ProfiledFeature("code", ProfiledKind.CATEGORICAL));
    DatasetProfile profile =
        DatasetFiles.profile(
            file.toString(), DatasetFiles.inferFeatures(file.toString(), List.of()));
    assertThat(((NumericProfile) profile.feature("amount").orElseThrow()).nullCount()).isEqualTo(1);
  }
}
