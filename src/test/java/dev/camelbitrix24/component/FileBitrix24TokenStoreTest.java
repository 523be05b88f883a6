package dev.camelbitrix24.component;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FileBitrix24TokenStoreTest {

    @TempDir
    Path folder;

    @Test
    void aSavedPairIsLoadedByAnotherInstanceAsAfterARestart() {
        Path file = folder.resolve("tokens.json");
        new FileBitrix24TokenStore(file).save(new Bitrix24TokenPair("acc3ss1", "r3fresh1"));
        new FileBitrix24TokenStore(file).save(new Bitrix24TokenPair("acc3ss2", "r3fresh2"));

        FileBitrix24TokenStore restarted = new FileBitrix24TokenStore();
        restarted.setFile(file.toString());

        assertThat(restarted.load()).contains(new Bitrix24TokenPair("acc3ss2", "r3fresh2"));
    }

    @Test
    void theFileIsReadableByItsOwnerOnlyAndNoTemporaryFileIsLeft() throws Exception {
        Path file = folder.resolve("tokens.json");

        new FileBitrix24TokenStore(file).save(new Bitrix24TokenPair("acc3ss1", "r3fresh1"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(folder)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void noFileYetMeansNoPair() {
        assertThat(new FileBitrix24TokenStore(folder.resolve("absent.json")).load()).isEmpty();
    }

    @Test
    void aBrokenFileIsReportedWithoutQuotingIt() throws Exception {
        Path file = folder.resolve("tokens.json");
        Files.writeString(file, "{\"accessToken\": s3cr3tT0ken");

        assertThatThrownBy(() -> new FileBitrix24TokenStore(file).load())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a JSON token pair")
                .hasNoCause()
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cr3tT0ken"));
    }

    @Test
    void aPairWithoutRefreshTokenIsKept() {
        FileBitrix24TokenStore store = new FileBitrix24TokenStore(folder.resolve("tokens.json"));

        store.save(new Bitrix24TokenPair("acc3ss1", null));

        assertThat(store.load()).contains(new Bitrix24TokenPair("acc3ss1", null));
        assertThat(store.toString()).doesNotContain("acc3ss1");
    }
}
