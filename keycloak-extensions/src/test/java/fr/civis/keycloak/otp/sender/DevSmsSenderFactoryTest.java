package fr.civis.keycloak.otp.sender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.keycloak.Config;

/**
 * The development sender outside development mode (no {@code kc.profile=dev} here, as under {@code kc.sh start}):
 * refused, unless the local demonstration cluster asked for it by its option.
 */
class DevSmsSenderFactoryTest {

    private static final String PREFIX = "civis-test.dev-sms.";

    @TempDir
    Path folder;

    @AfterEach
    void clear() {
        System.clearProperty(PREFIX + "file");
        System.clearProperty(PREFIX + "local-demo-in-production-mode");
    }

    private DevSmsSenderFactory factory() {
        System.setProperty(PREFIX + "file", folder.resolve("sms.txt").toString());
        DevSmsSenderFactory factory = new DevSmsSenderFactory();
        factory.init(new Config.SystemPropertiesScope(PREFIX));
        return factory;
    }

    @Test
    void refusedOutsideDevelopmentMode() {
        assertThatThrownBy(() -> factory().create(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("development mode");
    }

    @Test
    void acceptedForTheLocalDemonstrationClusterOnly() {
        System.setProperty(PREFIX + "local-demo-in-production-mode", "true");
        assertThat(factory().create(null)).isInstanceOf(DevSmsSender.class);
    }
}
