package dev.camelbitrix24;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README and the Markdown documents of {@code src/main/docs/}: the README opens with its two commands (CI runs
 * the second), and every relative link between them reaches a file that exists and, for Markdown, a heading it has.
 */
class DocumentsTest {

    private static final Pattern FENCE = Pattern.compile("(?s)```.*?```");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("(?m)^#+ (.+)$");

    @Test
    void theReadmesFirstCodeBlockIsTheTwoCommands() throws IOException {
        Matcher block = FENCE.matcher(Files.readString(Path.of("README.md")));
        assertThat(block.find()).isTrue();
        assertThat(block.group()).isEqualTo("```\nmvn -q compile exec:java\nmvn -B verify\n```");
    }

    @Test
    void everyRelativeLinkReachesAFileAndAHeading() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path document : documents()) {
            String text = FENCE.matcher(Files.readString(document)).replaceAll("");
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue; // http:, https:, mailto:
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? document : document.resolveSibling(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(document + ": " + target + " (no such file)");
                } else if (hash >= 0 && resolved.toString().endsWith(".md")
                           && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(document + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(broken).isEmpty();
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md")));
        try (Stream<Path> docs = Files.list(Path.of("src/main/docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** The anchors GitHub gives a Markdown file's headings: lower case, punctuation dropped, blanks as hyphens. */
    private static Set<String> anchors(Path markdown) throws IOException {
        String text = FENCE.matcher(Files.readString(markdown)).replaceAll("");
        return HEADING.matcher(text).results()
                .map(heading -> heading.group(1).strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
