import Testing
@testable import CrmqSyntax

@Test func scratch() {
    for text in [
        "customers | where region == \"North\" and satisfaction >= 8 | take 5",
        "customers | wher x | selec y",
        "a < b < c",
        "customers | where (a or b | take 5",
        "let vip = customers\n  | where x > 1\n-- hi\n\n-- there\n\nvip | count\n-- end",
    ] {
        print(text, "=>", Syntax.render(text), Syntax.parse(text).diagnostics.map { "\($0.message) @\(String(describing: $0.location)) \($0.notes.map(\.message))" })
    }
}
