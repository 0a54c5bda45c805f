package io.inkstream.contract.role;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelRolesTest {
    @Test
    void aShadowRecordNamesItsVersionAndAnEmptyOneOrATombstoneNone() throws Exception {
        assertThat(ModelRoles.read(ModelRoles.SHADOW, ModelRoles.value(Optional.of("v3-1a2b3c4d5e6f")))).contains("v3-1a2b3c4d5e6f");
        assertThat(ModelRoles.read(ModelRoles.SHADOW, ModelRoles.value(Optional.empty()))).isEmpty();
        assertThat(ModelRoles.read(ModelRoles.SHADOW, null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"v3 1a2b", "v3/../x", "v3\n", "é", "v3\u0000"})
    void aValueThatIsNoVersionIsRefused(String value) {
        assertThatThrownBy(() -> ModelRoles.read(ModelRoles.SHADOW, value.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(InvalidModelRoleException.class).hasMessageContaining("not a model version");
    }

    @Test
    void anOverlongValueIsRefusedWithoutDecodingIt() {
        assertThatThrownBy(() -> ModelRoles.read(ModelRoles.SHADOW, new byte[10 << 20]))
                .isInstanceOf(InvalidModelRoleException.class).hasMessageContaining("at most 128");
    }

    @Test
    void bytesNameAVersionOnlyWhenTheyAreOneAndNoLongerThanOneCanBe() {
        assertThat(ModelRoles.version("v3-1a2b3c4d5e6f".getBytes(StandardCharsets.US_ASCII))).contains("v3-1a2b3c4d5e6f");
        assertThat(ModelRoles.version("a".repeat(128).getBytes(StandardCharsets.US_ASCII))).contains("a".repeat(128));
        assertThat(ModelRoles.version("a".repeat(129).getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ModelRoles.version(new byte[10 << 20])).isEmpty();
        assertThat(ModelRoles.version("v3 1a2b".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ModelRoles.version("é".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(ModelRoles.version(new byte[0])).isEmpty();
        assertThat(ModelRoles.version(null)).isEmpty();
    }

    @Test
    void anUnknownRoleIsRefused() {
        assertThatThrownBy(() -> ModelRoles.read("active", "v3-1".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(InvalidModelRoleException.class).hasMessageContaining("unknown role 'active'");
        assertThatThrownBy(() -> ModelRoles.read(null, "v3-1".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(InvalidModelRoleException.class).hasMessageContaining("(no key)");
    }

    @Test
    void aVersionThatCannotBeReadBackCannotBeWritten() {
        assertThatThrownBy(() -> ModelRoles.value(Optional.of("v3 1"))).isInstanceOf(IllegalArgumentException.class);
    }
}
