"""NuGet manifests: MSBuild projects, central package versions, packages.config, .nuspec
and deps.json."""

from __future__ import annotations

from manifests_helpers import notes, rows, scan

from anke.findings.model import Confidence

CSPROJ = """\
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net8.0</TargetFramework>
    <BcVersion>2.4.0</BcVersion>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
    <PackageReference Include="BouncyCastle.Cryptography" Version="$(BcVersion)" />
    <PackageReference Include="NSec.Cryptography">
      <Version>[24.4.0,)</Version>
    </PackageReference>
    <PackageReference Include="System.Security.Cryptography.Pkcs" Version="8.0.0"
                      PrivateAssets="all" />
  </ItemGroup>
</Project>
"""


def test_csproj() -> None:
    assert rows("src/Teller/Teller.csproj", CSPROJ) == [
        ("Bouncy Castle .NET", "2.4.0", "pkg:nuget/BouncyCastle.Cryptography@2.4.0", 8),
        ("NSec", "[24.4.0,)", "pkg:nuget/NSec.Cryptography", 9),
        (".NET System.Security.Cryptography", "8.0.0",
         "pkg:nuget/System.Security.Cryptography.Pkcs@8.0.0", 12),
    ]
    found = scan("Teller.vbproj", CSPROJ).findings
    assert found[0].evidence == "BouncyCastle.Cryptography 2.4.0"
    assert found[0].rule == "manifests.msbuild"
    assert found[2].confidence is Confidence.MEDIUM


def test_central_package_versions() -> None:
    text = ('<Project>\n  <ItemGroup>\n'
            '    <PackageVersion Include="Portable.BouncyCastle" Version="1.9.0" />\n'
            '  </ItemGroup>\n</Project>\n')
    assert rows("Directory.Packages.props", text) == [
        ("Bouncy Castle .NET", "1.9.0", "pkg:nuget/Portable.BouncyCastle@1.9.0", 3)]


def test_packages_config() -> None:
    text = ('<?xml version="1.0" encoding="utf-8"?>\n<packages>\n'
            '  <package id="EntityFramework" version="6.4.4" targetFramework="net48" />\n'
            '  <package id="BouncyCastle" version="1.8.9" targetFramework="net48" />\n'
            '</packages>\n')
    assert rows("packages.config", text) == [
        ("Bouncy Castle .NET", "1.8.9", "pkg:nuget/BouncyCastle@1.8.9", 4)]


def test_nuspec() -> None:
    text = """\
<?xml version="1.0"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>Bank.Crypto</id>
    <version>1.0.0</version>
    <dependencies>
      <group targetFramework="net8.0">
        <dependency id="BCrypt.Net-Next" version="4.0.3" />
      </group>
    </dependencies>
  </metadata>
</package>
"""
    assert rows("Bank.Crypto.nuspec", text) == [
        ("BCrypt.Net", "4.0.3", "pkg:nuget/BCrypt.Net-Next@4.0.3", 8)]


def test_deps_json() -> None:
    text = """\
{
  "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0"},
  "libraries": {
    "Teller/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
    "BouncyCastle.Cryptography/2.4.0": {"type": "package", "serviceable": true},
    "Newtonsoft.Json/13.0.3": {"type": "package", "serviceable": true}
  }
}
"""
    assert rows("publish/Teller.deps.json", text) == [
        ("Bouncy Castle .NET", "2.4.0", "pkg:nuget/BouncyCastle.Cryptography@2.4.0", 5)]


def test_dotnet_corrupt() -> None:
    assert notes("a.csproj", "<NotAProject/>") == [
        "manifests: msbuild: root element is <NotAProject>, not <Project>"]
    assert notes("packages.config", "<packages><package id='x'></packages>")[0].startswith(
        "manifests: packages-config: ParseError: mismatched tag")
    assert notes("a.nuspec", "<package/>") == [
        "manifests: nuspec: not a <package> with <metadata>"]
    assert notes("a.deps.json", "{}") == ["manifests: deps-json: no \"libraries\" object"]
