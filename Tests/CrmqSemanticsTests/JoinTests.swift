import Testing
import CrmqSyntax
@testable import CrmqSemantics

@Suite("join")
struct JoinTests {
    @Test func joinOnSharedColumn() {
        let c = check(P("transactions", .join("customers", [("customer_id", "customer_id")])))
        #expect(c.plan.map(show) == "join(scan(transactions), scan(customers), [$1=$0], inner, [1, 2, 3, 4, 5, 6, 7])")
        #expect(c.schema == [
            "txn_id:int", "customer_id:int", "date:date", "amount:double", "category:string", "name:string",
            "region:string", "signup_date:date", "satisfaction:int", "churned:int", "category_spend:double",
            "recommend:int",
        ])
    }

    @Test func collidingRightColumnsGetASuffix() {
        var catalog = FixtureCatalog()
        catalog.tables["notes"] = Schema([Field("id", .int), Field("name", .string), Field("name_right", .string)])
        let c = check(P("vip", .join("notes", [("customer_id", "id")], .left)), catalog: catalog)
        #expect(c.schema == ["customer_id:int", "name:string", "name_right2:string", "name_right:string"])
        #expect(c.plan.map(show) == "join(scan(vip), scan(notes), [$0=$0], left, [1, 2])")
    }

    @Test func joinASubquery() {
        let c = check(P("customers", .join(.sub(P("transactions", .summarize([named("spend", f("sum", "amount"))],
                                                                                by: ["customer_id"]))),
                                           [("customer_id", "customer_id")], .left)))
        #expect(c.schema.suffix(2) == ["recommend:int", "spend:double"])
    }

    @Test func joinKeyErrors() {
        let c = check(P("transactions", .join("customers", [("customer_idd", "custid")])))
        #expect(c.messages == ["unknown column 'customer_idd'", "unknown column 'custid' in 'customers'"])
        #expect(c.culprits == ["customer_idd", "custid"])
        #expect(c.notes.first == "did you mean 'customer_id'?")
        let types = check(P("transactions", .join("customers", [("category", "customer_id")])))
        #expect(types.messages == ["cannot join on 'category' (string) and 'customer_id' (int): the key types differ"])
        #expect(types.culprits == ["category == customer_id"])
    }

    @Test func joinSourceErrors() {
        #expect(check(P("transactions", .join("custmers", [("customer_id", "customer_id")]))).messages
            == ["unknown table 'custmers'"])
        #expect(check(P("transactions", .join(5, [("customer_id", "customer_id")]))).messages
            == ["'join' needs a table name or a (query), but got 5"])
        #expect(check(P("transactions", .join("threshold", [("customer_id", "customer_id")]))).messages
            == ["'threshold' is not a table"])
    }
}
