package io.github.outboundrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Issue 13: README.md's prerequisites name every tool a test runs, and {@code ./test} installs each of them. The tools
 * the tests run are read from the sources: {@code RequiredCommand.require(tool, package)} calls, the first argument of
 * a {@code new ProcessBuilder}, string literals that are paths in /usr/bin, /bin... and the commands of
 * docs/QUICKSTART.md's shell blocks that QuickstartWalkthroughTest runs. A tool that comes with every Debian/Ubuntu
 * system ({@link #ESSENTIAL}) needs no entry; anything else missing from README fails this test, named with where it
 * is used.
 */
class ReadmePrerequisitesTest {
    private static final Path REPOSITORY = Path.of(System.getProperty("outbound-relay.james-conf", "../james-conf"))
        .toAbsolutePath().normalize().getParent();
    /**
     * Shell builtins and the commands of Debian's Essential packages (bash, coreutils, grep, sed, findutils,
     * util-linux), present on every Debian/Ubuntu system; a test may run them without a README entry.
     */
    private static final Set<String> ESSENTIAL = Set.of(
        "bash", "sh", "echo", "printf", "cd", "export", "set", "read", "test", "[", "true", "false", "exit", "command",
        "source", ".", "wait", "kill", "cat", "grep", "sed", "tail", "head", "tr", "sleep", "ls", "mkdir", "rm", "cp",
        "mv", "find", "sort", "uniq", "wc", "cut", "date", "env", "chmod", "touch", "tee", "xargs", "id");
    private static final Set<String> SHELL_KEYWORDS = Set.of(
        "until", "while", "if", "then", "else", "elif", "fi", "do", "done", "for", "in", "!", "time", "{", "}");
    private static final Pattern REQUIRED_COMMAND = Pattern.compile("RequiredCommand\\.require\\(\\s*\"([^\"]+)\",\\s*\"([^\"]+)\"");
    private static final Pattern PROCESS_COMMAND = Pattern.compile("new ProcessBuilder\\(\\s*(?:List\\.of\\(\\s*)?\"([^\"]+)\"");
    private static final Pattern LITERAL_PATH = Pattern.compile("\"(?:/usr)?/s?bin/([\\w.+-]+)\"");
    private static final Pattern TABLE_ROW = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|([^|]*)\\|");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");
    private static final Pattern TEST_SCRIPT_ENTRY = Pattern.compile("^\\s*([a-z0-9.+-]+):([\\w.+-]+)\\s*(#.*)?$");

    @Test
    void readmeListsEveryToolTheTestsRunAndTestInstallsEachOfThem() throws IOException {
        Map<String, Set<String>> readme = readmePrerequisites(read(REPOSITORY.resolve("README.md")));
        Map<String, String> installed = testScriptPrerequisites(read(REPOSITORY.resolve("test")));

        assertThat(installed).as("./test's prerequisites (package:command) against README.md's table").allSatisfy((pkg, command) ->
            assertThat(readme.getOrDefault(pkg, Set.of())).as("README.md's prerequisites row for package " + pkg).contains(command));
        assertThat(installed.keySet()).as("packages of README.md's prerequisites that ./test installs")
            .containsAll(readme.keySet());
        assertThat(missingFromReadme(readme, toolsTheTestsRun())).as("tools the tests run that README.md's prerequisites"
            + " do not list (add a row to README.md's table and an entry to ./test)").isEmpty();
    }

    /** The check above would catch a tool that a new test runs: here chromedriver, missing from a README. */
    @Test
    void aToolATestRunsThatReadmeDoesNotListIsReported() {
        Map<String, Set<String>> readme = readmePrerequisites("""
            ### Prerequisites
            | package | commands | for |
            | --- | --- | --- |
            | `swaks` | `swaks` | the walk-through |
            ### Next
            | `chromium-driver` | `chromedriver` | not in the prerequisites section |
            """);
        Map<String, Set<String>> used = new TreeMap<>();
        scanJava("BrowserTest.java", "var driver = new ChromeDriverService.Builder().usingDriverExecutable(new File(\"/usr/bin/chromedriver\"));", used);
        scanJava("WalkTest.java", "RequiredCommand.require(\"swaks\", \"swaks\"); new ProcessBuilder(\"bash\", \"-c\", script);", used);
        scanShell("QUICKSTART.md", "code=$(sed -n 's/x/y/p' f | tail -1)\nuntil curl -s \\\n  'imap://x'; do sleep 1; done\n", used);

        assertThat(missingFromReadme(readme, used)).containsOnlyKeys("chromedriver", "curl");
    }

    /** Package to commands, from the table of the section whose heading says "Prerequisites". */
    static Map<String, Set<String>> readmePrerequisites(String readme) {
        Map<String, Set<String>> prerequisites = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : readme.lines().toList()) {
            if (line.startsWith("#")) {
                inSection = line.contains("Prerequisites");
                continue;
            }
            Matcher row = TABLE_ROW.matcher(line);
            if (inSection && row.find()) {
                Set<String> commands = new LinkedHashSet<>();
                BACKTICKED.matcher(row.group(2)).results().forEach(command -> commands.add(command.group(1)));
                prerequisites.put(row.group(1), commands);
            }
        }
        assertThat(prerequisites).as("README.md has a Prerequisites section with a table (| `package` | `command` | ...)").isNotEmpty();
        return prerequisites;
    }

    /** Package to command, from the {@code prerequisites=( package:command ... )} array of ./test. */
    static Map<String, String> testScriptPrerequisites(String script) {
        int start = script.indexOf("prerequisites=(");
        assertThat(start).as("./test declares prerequisites=( package:command ... )").isNotNegative();
        Map<String, String> prerequisites = new LinkedHashMap<>();
        for (String line : script.substring(start + "prerequisites=(".length(), script.indexOf("\n)", start)).lines().toList()) {
            Matcher entry = TEST_SCRIPT_ENTRY.matcher(line);
            if (entry.matches()) {
                prerequisites.put(entry.group(1), entry.group(2));
            }
        }
        return prerequisites;
    }

    /** Command to where it is used. */
    private static Map<String, Set<String>> toolsTheTestsRun() throws IOException {
        Map<String, Set<String>> used = new TreeMap<>();
        try (Stream<Path> files = Files.walk(REPOSITORY)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".java"))
                .filter(path -> REPOSITORY.relativize(path).toString().contains("/src/")).toList()) {
                scanJava(REPOSITORY.relativize(file).toString(), read(file), used);
            }
        }
        for (QuickstartWalkthroughTest.Block block : QuickstartWalkthroughTest.blocks(read(REPOSITORY.resolve("docs/QUICKSTART.md")))) {
            scanShell("docs/QUICKSTART.md", block.commands(), used);
        }
        assertThat(used).as("the scan finds the tools of QuickstartWalkthroughTest").containsKeys("swaks", "curl");
        return used;
    }

    static void scanJava(String where, String source, Map<String, Set<String>> used) {
        for (Pattern pattern : List.of(REQUIRED_COMMAND, PROCESS_COMMAND, LITERAL_PATH)) {
            pattern.matcher(source).results().forEach(match -> use(Path.of(match.group(1)).getFileName().toString(), where, used));
        }
    }

    /** The command of every simple command of a shell script (after assignments and keywords). */
    static void scanShell(String where, String script, Map<String, Set<String>> used) {
        String unquoted = script.replace("\\\n", " ")
            .replaceAll("'[^']*'", "''")
            .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
        for (String segment : unquoted.split("[|;&()\\n]")) {
            Arrays.stream(segment.trim().split("\\s+"))
                .filter(token -> !token.isEmpty() && !SHELL_KEYWORDS.contains(token) && !token.matches("\\w+=.*"))
                .findFirst()
                .filter(command -> !command.startsWith("$") && !command.startsWith("./"))
                .ifPresent(command -> use(command, where, used));
        }
    }

    private static void use(String command, String where, Map<String, Set<String>> used) {
        used.computeIfAbsent(command, key -> new LinkedHashSet<>()).add(where);
    }

    private static Map<String, Set<String>> missingFromReadme(Map<String, Set<String>> readme, Map<String, Set<String>> used) {
        Set<String> listed = new LinkedHashSet<>();
        readme.values().forEach(listed::addAll);
        Map<String, Set<String>> missing = new TreeMap<>(used);
        missing.keySet().removeIf(command -> ESSENTIAL.contains(command) || listed.contains(command));
        return missing;
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
