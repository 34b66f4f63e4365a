package dev.wakeq.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Messages and comments send users to documents: every one they name must exist (issue 16: one did not). */
class DocPathsTest {

    private static final Pattern DOC = Pattern.compile("(?:docs|udf-image|packaging)/[A-Za-z0-9_./-]*[A-Za-z0-9]\\.md");

    @Test
    void everyDocumentTheSourceCitesExists() throws IOException {
        Path root = Path.of(System.getProperty("wakeq.project.dir", "."));
        List<String> missing = new ArrayList<>();
        List<String> cited = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("src/main"))) {
            files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
                Matcher m = DOC.matcher(read(f));
                while (m.find()) {
                    cited.add(m.group());
                    if (!Files.isRegularFile(root.resolve(m.group()))) {
                        missing.add(root.relativize(f) + " cites " + m.group());
                    }
                }
            });
        }
        assertThat(cited).as("the scan found the citations").contains("docs/installer.md", "docs/operations.md");
        assertThat(missing).isEmpty();
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
