// custos-test-plugin: a database plugin that talks to no database and misbehaves on request,
// for the plugin host's tests (and, in its normal mode, a fast no-op plugin for the benchmark).
//
// Per process, by environment variable CUSTOS_TEST_PLUGIN_MODE:
//   (unset) / normal         serve normally
//   exit-at-start            exit 3 before reading anything
//   exit-at-start-once       like exit-at-start if the file CUSTOS_TEST_PLUGIN_MARKER does not
//                            exist yet (it is created); serve normally once it exists
//   bad-protocol-version     Info reports protocolVersions [2, 3]
//   ignore-stdin-eof         keep running after stdin closes (the host must kill it)
//   flood-stderr-at-start    write 5,000 lines of 1 KiB to stderr, then serve
// Per call, by the NewUser `username`:
//   crash        exit 3 without answering          hang        never answer
//   garbage      write a non-JSON line to stdout    oversized   write a line over 4 MiB
//   delay-<ms>   answer after <ms> milliseconds     flood-<n>   write <n> 1 KiB stderr lines first
//   stats        answer "inits=<n> verified=<bool> pid=<pid>" for the connection
//   fds          answer "fds=<n>,<n>,...": the descriptors open when the process started
// Initialize config: "fail_initialize": true fails it; "unreachable": true fails it when verifying.
import DatabasePluginProtocol
import Foundation

// First, before the rest of the program opens anything.
let startupDescriptors = StartupDescriptors.list()

let environment = ProcessInfo.processInfo.environment
guard environment[pluginProtocolEnvironmentKey] == String(pluginProtocolVersion) else {
    StandardError.line(
        "custos-test-plugin is a Custos database plugin: it is started by Custos, not by hand.")
    exit(1)
}

let mode = environment["CUSTOS_TEST_PLUGIN_MODE"] ?? "normal"
switch mode {
case "exit-at-start":
    StandardError.line("test plugin: exiting at start-up as asked")
    exit(3)
case "exit-at-start-once":
    if let marker = environment["CUSTOS_TEST_PLUGIN_MARKER"], !FileManager.default.fileExists(atPath: marker) {
        _ = FileManager.default.createFile(atPath: marker, contents: Data())
        StandardError.line("test plugin: exiting at start-up once as asked")
        exit(3)
    }
case "flood-stderr-at-start":
    let text = String(repeating: "flood ", count: 170)
    for number in 0..<5_000 { StandardError.line("\(number) \(text)") }
default:
    break
}

let server = TestPluginServer(
    protocolVersions: mode == "bad-protocol-version" ? [2, 3] : [pluginProtocolVersion],
    startupDescriptors: startupDescriptors)
var framer = LineFramer()
var buffer = [UInt8](repeating: 0, count: 64 * 1024)
readLoop: while true {
    let count = buffer.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
    if count < 0 && errno == EINTR { continue }
    guard count > 0 else { break }
    server.output.beginBatch()
    do {
        try framer.append(buffer[0..<count])
    } catch {
        // An oversized request: refuse it and keep serving the other lines.
        server.handle(line: [])
    }
    while let line = framer.nextLine() {
        server.handle(line: line)
    }
    server.output.endBatch()
}

// stdin closed: finish what is in flight (bounded), then exit 0.
if mode == "ignore-stdin-eof" {
    while true { sleep(60) }
}
server.finishInFlight()
exit(0)
