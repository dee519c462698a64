"""JVM manifests: pom.xml (properties, managed versions, parent), pom.properties inside a
jar, Gradle build scripts (Groovy and Kotlin) and version catalogs."""

from __future__ import annotations

from manifests_helpers import notes, rows, scan

from anke.findings.model import Confidence

POM = """\
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <parent>
    <groupId>com.bank</groupId>
    <artifactId>parent</artifactId>
    <version>5.0.0</version>
  </parent>
  <artifactId>teller</artifactId>
  <properties>
    <bc.version>1.78</bc.version>
    <kona.version>${kona.base}.2</kona.version>
    <kona.base>1.0</kona.base>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>net.tongsuo</groupId>
        <artifactId>tongsuo-openjdk</artifactId>
        <version>1.0.0</version>
      </dependency>
      <dependency>
        <groupId>org.jasypt</groupId>
        <artifactId>jasypt</artifactId>
        <version>1.9.3</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.apache.commons</groupId>
      <artifactId>commons-lang3</artifactId>
      <version>3.14.0</version>
    </dependency>
    <dependency>
      <groupId>org.bouncycastle</groupId>
      <artifactId>bcprov-jdk18on</artifactId>
      <version>${bc.version}</version>
    </dependency>
    <dependency>
      <groupId>com.tencent.kona</groupId>
      <artifactId>kona-crypto</artifactId>
      <version>${kona.version}</version>
    </dependency>
    <dependency>
      <groupId>net.tongsuo</groupId>
      <artifactId>tongsuo-openjdk</artifactId>
    </dependency>
    <dependency>
      <groupId>org.bouncycastle</groupId>
      <artifactId>bcpkix-jdk18on</artifactId>
      <version>[1.70,2.0)</version>
      <scope>test</scope>
    </dependency>
  </dependencies>
</project>
"""


def test_pom() -> None:
    assert rows("teller/pom.xml", POM) == [
        ("Bouncy Castle", "1.78", "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78", 37),
        ("Tencent Kona SM Suite", "1.0.2", "pkg:maven/com.tencent.kona/kona-crypto@1.0.2", 42),
        ("Tongsuo", "1.0.0", "pkg:maven/net.tongsuo/tongsuo-openjdk@1.0.0", 47),
        ("Bouncy Castle", "[1.70,2.0)", "pkg:maven/org.bouncycastle/bcpkix-jdk18on", 51),
        ("Jasypt", "1.9.3", "pkg:maven/org.jasypt/jasypt@1.9.3", 24),
    ]
    found = scan("teller/pom.xml", POM).findings
    assert found[0].evidence == "org.bouncycastle:bcprov-jdk18on:1.78"
    assert found[0].rule == "manifests.pom"
    assert [f.confidence for f in found] == [Confidence.HIGH] * 3 + [Confidence.MEDIUM] * 2


JAR_POM = """\
<project>
  <modelVersion>4.0.0</modelVersion>
  <groupId>org.bouncycastle</groupId>
  <artifactId>bcprov-jdk18on</artifactId>
  <version>1.78.1</version>
</project>
"""


def test_jar_names_itself() -> None:
    base = "lib/bcprov-jdk18on-1.78.1.jar!/META-INF/maven/org.bouncycastle/bcprov-jdk18on/"
    assert rows(base + "pom.xml", JAR_POM) == [
        ("Bouncy Castle", "1.78.1", "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78.1", 4)]
    properties = ("#Created by Apache Maven 3.9.6\nversion=1.78.1\n"
                  "groupId=org.bouncycastle\nartifactId=bcprov-jdk18on\n")
    assert rows(base + "pom.properties", properties) == [
        ("Bouncy Castle", "1.78.1", "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78.1", 4)]
    found = scan(base + "pom.properties", properties).findings[0]
    assert found.rule == "manifests.pom-properties"
    assert found.evidence == "org.bouncycastle:bcprov-jdk18on:1.78.1"


def test_pom_properties_only_inside_meta_inf() -> None:
    from manifests_helpers import detector
    assert not detector().handles("conf/pom.properties", b"groupId=a\n")


def test_pom_corrupt() -> None:
    reasons = notes("pom.xml", "<project><dependencies></project>")
    assert reasons == ["manifests: pom: ParseError: mismatched tag: line 1, column 25"]
    assert notes("pom.xml", "<html></html>") == [
        "manifests: pom: root element is <html>, not <project>"]


def test_pom_entity_expansion_refused() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;">]><project>&b;</project>')
    reasons = notes("pom.xml", bomb)
    assert len(reasons) == 1 and "EntitiesForbidden" in reasons[0]


def test_pom_properties_corrupt() -> None:
    path = "a.jar!/META-INF/maven/g/a/pom.properties"
    assert notes(path, "version=1\n") == ["manifests: pom-properties: no groupId and artifactId"]


BUILD_GRADLE = """\
ext {
    bcVersion = '1.78'
}
def tinkVersion = "1.13.0"

dependencies {
    implementation 'org.bouncycastle:bcprov-jdk18on:' + bcVersion
    implementation "org.bouncycastle:bcpkix-jdk18on:${bcVersion}"
    implementation group: 'com.google.crypto.tink', name: 'tink', version: tinkVersion
    api group: 'org.jasypt', name: 'jasypt', version: '1.9.3'
    implementation 'com.google.guava:guava:33.0.0-jre'
    testImplementation("com.tencent.kona:kona-crypto:1.0.12")
}
"""


def test_build_gradle() -> None:
    assert rows("app/build.gradle", BUILD_GRADLE) == [
        ("Bouncy Castle", "1.78", "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78", 7),
        ("Bouncy Castle", "1.78", "pkg:maven/org.bouncycastle/bcpkix-jdk18on@1.78", 8),
        ("Tink", "1.13.0", "pkg:maven/com.google.crypto.tink/tink@1.13.0", 9),
        ("Jasypt", "1.9.3", "pkg:maven/org.jasypt/jasypt@1.9.3", 10),
        ("Tencent Kona SM Suite", "1.0.12",
         "pkg:maven/com.tencent.kona/kona-crypto@1.0.12", 12),
    ]


BUILD_KTS = """\
val bcVersion = "1.78"

dependencies {
    implementation("org.bouncycastle:bcprov-jdk18on:$bcVersion")
    implementation(platform("com.google.crypto.tink:tink-bom:1.13.0"))
    runtimeOnly("org.conscrypt:conscrypt-openjdk-uber:2.5.2")
}
"""


def test_build_gradle_kts() -> None:
    assert rows("build.gradle.kts", BUILD_KTS) == [
        ("Bouncy Castle", "1.78", "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78", 4),
        ("Tink", "1.13.0", "pkg:maven/com.google.crypto.tink/tink-bom@1.13.0", 5),
        ("Conscrypt", "2.5.2", "pkg:maven/org.conscrypt/conscrypt-openjdk-uber@2.5.2", 6),
    ]


CATALOG = """\
[versions]
bc = "1.78"
tink = { strictly = "1.13.0" }

[libraries]
guava = "com.google.guava:guava:33.0.0-jre"
bcprov = { module = "org.bouncycastle:bcprov-jdk18on", version.ref = "bc" }
tink = { group = "com.google.crypto.tink", name = "tink", version.ref = "tink" }
jbcrypt = "org.mindrot:jbcrypt:0.4"
"""


def test_version_catalog() -> None:
    assert rows("gradle/libs.versions.toml", CATALOG) == [
        ("Bouncy Castle", "1.78", "pkg:maven/org.bouncycastle/bcprov-jdk18on@1.78", 7),
        ("Tink", "1.13.0", "pkg:maven/com.google.crypto.tink/tink@1.13.0", 8),
        ("jBCrypt", "0.4", "pkg:maven/org.mindrot/jbcrypt@0.4", 9),
    ]


def test_version_catalog_corrupt() -> None:
    assert notes("gradle/libs.versions.toml", "[libraries]\nx = = 1\n")[0].startswith(
        "manifests: gradle-catalog: TOMLDecodeError")
