package dev.camelbitrix24.component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Camel project that adds the artifact gets the component and what it needs (Camel, HttpClient 5, Jackson) and
 * nothing of the pipeline or the simulator: the pom's only non-optional runtime dependencies are those three, and the
 * component's code imports nothing else. {@code .ci/check-reuse} proves the same by resolving a consumer pom.
 */
class ComponentReuseTest {

    private static final List<String> COMPONENT_DEPENDENCIES = List.of("org.apache.camel:camel-support",
            "org.apache.camel:camel-http", "org.apache.camel:camel-jackson");

    private static final List<String> ALLOWED_IMPORTS = List.of("java.", "javax.net.ssl.", "javax.annotation.processing.Generated", "org.apache.camel.",
            "org.apache.hc.", "com.fasterxml.jackson.", "org.slf4j.", "dev.camelbitrix24.component.");

    @Test
    void onlyTheComponentsDependenciesAreInheritedByReusers() throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        Element project = pom.getDocumentElement();
        Element dependencies = child(project, "dependencies");
        List<String> inherited = new ArrayList<>();
        List<String> all = new ArrayList<>();
        NodeList list = dependencies.getElementsByTagName("dependency");
        for (int i = 0; i < list.getLength(); i++) {
            Element dependency = (Element) list.item(i);
            String coordinates = text(dependency, "groupId") + ":" + text(dependency, "artifactId");
            all.add(coordinates);
            String scope = text(dependency, "scope");
            boolean optional = "true".equals(text(dependency, "optional"));
            if (!optional && (scope == null || scope.equals("compile") || scope.equals("runtime"))) {
                inherited.add(coordinates);
            }
        }

        assertThat(all).contains("org.apache.kafka:kafka_2.13", "org.apache.camel:camel-main");
        assertThat(inherited).containsExactlyInAnyOrderElementsOf(COMPONENT_DEPENDENCIES);
    }

    @Test
    void theComponentsCodeUsesOnlyCamelHttpClientJacksonAndSlf4j() throws IOException {
        Pattern importLine = Pattern.compile("^import (?:static )?([\\w.]+)", Pattern.MULTILINE);
        List<String> offending = new ArrayList<>();
        int files = 0;
        for (Path root : List.of(Path.of("src/main/java/dev/camelbitrix24/component"),
                Path.of("src/generated/java/dev/camelbitrix24/component"))) {
            try (Stream<Path> sources = Files.walk(root)) {
                for (Path source : sources.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    Matcher matcher = importLine.matcher(Files.readString(source));
                    while (matcher.find()) {
                        String imported = matcher.group(1);
                        if (ALLOWED_IMPORTS.stream().noneMatch(imported::startsWith)) {
                            offending.add(source.getFileName() + ": " + imported);
                        }
                    }
                }
            }
        }

        assertThat(files).isGreaterThan(20);
        assertThat(offending).isEmpty();
    }

    private static Element child(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element;
            }
        }
        throw new AssertionError("no <" + name + "> in " + parent.getTagName());
    }

    private static String text(Element parent, String name) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().trim();
            }
        }
        return null;
    }
}
