/// A CRM concept that `help <name>` explains the way a teacher would: what it is, its
/// formula, and a query on the dataset that shows it (crm-concepts.md, docs/crm.md).
public struct CRMConcept: Sendable {
    public var name: String
    /// One line.
    public var summary: String
    /// A few sentences: the idea, where it comes from, how crmq measures it.
    public var explanation: String
    /// The formula or rule, if there is one.
    public var formula: String?
    /// A query on the shipped dataset that shows it.
    public var example: String

    public init(name: String, summary: String, explanation: String, formula: String?, example: String) {
        self.name = name
        self.summary = summary
        self.explanation = explanation
        self.formula = formula
        self.example = example
    }
}

extension CRM {
    /// Every concept of crm-concepts.md, in teaching order.
    public static let concepts: [CRMConcept] = []
}
