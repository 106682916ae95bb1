/// A CRM concept that `help <name>` explains the way a teacher would: what it is, its
/// formula, and a query on the dataset that shows it (crm-concepts.md, docs/crm.md).
public struct CRMConcept: Sendable {
    public var name: String
    /// One line.
    public var summary: String
    /// A few sentences: the idea, where it comes from, how crmq measures it.
    public var explanation: String
    /// The formula or rule, if there is one. `help` indents its first line by two spaces; a
    /// formula of several lines indents the later ones itself, so that they line up.
    public var formula: String?
    /// A query on the shipped dataset that shows it: one line, runnable as it is.
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
    /// Every concept of crm-concepts.md, in teaching order: why CRM, satisfaction and
    /// loyalty, the lifecycle and value, the 10C measures, data mining, the churn model, channels.
    /// Names are what a user types after `help`; they never reuse the name of a
    /// function, computed column or table function, which have their own topics.
    public static let concepts: [CRMConcept] =
        whyCRMConcepts + loyaltyConcepts + lifecycleConcepts + measureConcepts + dataMiningConcepts
        + churnModelConcepts + clvModelConcepts + channelConcepts
}
