import CFuzzDriver
import Foundation

// libFuzzer's driver with this target's LLVMFuzzerTestOneInput (the `fuzz` function);
// the arguments are libFuzzer's (scripts/fuzz).
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })
