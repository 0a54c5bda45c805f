package io.inkstream.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FileNamesTest {

    @Test
    void keepsOnlyTheLastPathSegmentOfAClientsFileName() {
        assertThat(FileNames.sanitise("../../etc/passwd")).contains("passwd");
        assertThat(FileNames.sanitise("C:\\Users\\ann\\seven.png")).contains("seven.png");
        assertThat(FileNames.sanitise("digits/3.png")).contains("3.png");
    }

    @Test
    void dropsControlCharactersAndNamesThatAreNoNames() {
        assertThat(FileNames.sanitise("evil\r\nheader: x.png")).contains("evilheader: x.png");
        assertThat(FileNames.sanitise("\u202egnp.exe")).contains("gnp.exe");
        assertThat(FileNames.sanitise("..")).isEmpty();
        assertThat(FileNames.sanitise("dir/")).isEmpty();
        assertThat(FileNames.sanitise(null)).isEmpty();
        assertThat(FileNames.sanitise("x".repeat(1000)).orElseThrow()).hasSize(FileNames.MAX_LENGTH);
    }
}
