package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The Jib configuration of the images the chart deploys (validate.sh checks the image names with
 * Jib itself): the launcher and the trainer both run the driftgate CLI, since Job pods run {@code
 * driftgate train|tune|gate}.
 */
class ImagesTest {
  private static Document pom(String path) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    return f.newDocumentBuilder().parse(RenderedManifests.REPO_ROOT.resolve(path).toFile());
  }

  @Test
  void launcherAndTrainerImagesRunTheCli() throws Exception {
    XPath xpath = XPathFactory.newInstance().newXPath();
    NodeList executions =
        (NodeList)
            xpath.evaluate(
                "/*[local-name()='project']/*[local-name()='profiles']/*[local-name()='profile']"
                    + "[*[local-name()='id']='images']//*[local-name()='plugin']"
                    + "[*[local-name()='artifactId']='jib-maven-plugin']"
                    + "//*[local-name()='execution']",
                pom("cli/pom.xml"),
                XPathConstants.NODESET);
    Map<String, String> imageByExecution = new LinkedHashMap<>();
    for (int i = 0; i < executions.getLength(); i++) {
      Element e = (Element) executions.item(i);
      String id = xpath.evaluate("*[local-name()='id']", e);
      String image = xpath.evaluate(".//*[local-name()='to']/*[local-name()='image']", e);
      assertThat(xpath.evaluate(".//*[local-name()='mainClass']", e))
          .as("mainClass of execution %s", id)
          .isEqualTo("io.driftgate.cli.Main");
      imageByExecution.put(id, image);
    }
    // The launcher stays the plain `jib:build` (default-cli); the trainer is `jib:build@trainer`.
    assertThat(imageByExecution)
        .containsExactly(
            Map.entry("default-cli", "${image.registry}/driftgate-launcher:${image.tag}"),
            Map.entry(
                "trainer", "${image.registry}/driftgate-trainer:${image.tag}-${trainer.variant}"));
    assertThat(
            Files.readString(RenderedManifests.REPO_ROOT.resolve("training-jobs/trainer/pom.xml")))
        .doesNotContain("jib-maven-plugin");
  }
}
