package fr.civis.keycloak.franceconnect;

import org.junit.jupiter.api.Test;

import fr.civis.keycloak.franceconnect.PivotMatcher.Pivot;

import static org.assertj.core.api.Assertions.assertThat;

class PivotMatcherTest {

    private static final Pivot CERTIFIED = new Pivot("Louise Éléonore", "MOREAU-LEFÈVRE", "1988-02-14", "13055", "99100");

    @Test
    void namesMatchWhateverTheCaseAccentsHyphensAndFurtherGivenNames() {
        assertThat(PivotMatcher.matches(CERTIFIED, new Pivot("LOUISE", "Moreau Lefevre", "1988-02-14", "13055", "99100"))).isTrue();
        assertThat(PivotMatcher.matches(CERTIFIED, new Pivot("louise éléonore", "moreau-lefèvre", "1988-02-14", "13055", "99100"))).isTrue();
        assertThat(PivotMatcher.normalise("  Éléonore-Marie  d’Arc ")).isEqualTo("ELEONORE MARIE D ARC");
    }

    @Test
    void anyOtherDifferenceIsNoMatch() {
        assertThat(PivotMatcher.matches(CERTIFIED, new Pivot("Éléonore", "MOREAU-LEFÈVRE", "1988-02-14", "13055", "99100"))).isFalse();
        assertThat(PivotMatcher.matches(CERTIFIED, new Pivot("Louise", "MOREAU", "1988-02-14", "13055", "99100"))).isFalse();
        assertThat(PivotMatcher.matches(CERTIFIED, new Pivot("Louise", "MOREAU-LEFÈVRE", "1988-02-15", "13055", "99100"))).isFalse();
        assertThat(PivotMatcher.matches(CERTIFIED, new Pivot("Louise", "MOREAU-LEFÈVRE", "1988-02-14", "75056", "99100"))).isFalse();
        assertThat(PivotMatcher.matches(CERTIFIED, new Pivot("Louise", "MOREAU-LEFÈVRE", "1988-02-14", null, "99100"))).isFalse();
        assertThat(PivotMatcher.matches(new Pivot("", "", "1988-02-14", "13055", "99100"), new Pivot("", "", "1988-02-14", "13055", "99100"))).isFalse();
    }

    @Test
    void bornAbroadTheCountryDecidesAndThereIsNoTown() {
        Pivot abroad = new Pivot("Karim Youssef", "BENALI", "1985-03-02", null, "99350");
        assertThat(PivotMatcher.matches(abroad, new Pivot("Karim", "Benali", "1985-03-02", null, "99350"))).isTrue();
        assertThat(PivotMatcher.matches(abroad, new Pivot("Karim", "Benali", "1985-03-02", "", "99350"))).isTrue();
        assertThat(PivotMatcher.matches(abroad, new Pivot("Karim", "Benali", "1985-03-02", null, "99351"))).isFalse();
        assertThat(PivotMatcher.matches(abroad, new Pivot("Karim", "Benali", "1985-03-02", "13055", "99100"))).isFalse();
    }
}
