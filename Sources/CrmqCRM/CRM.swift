/// The CRM layer: the measures and models of customer relationship management
/// (docs/crm.md) over the engine's tables, and the generator of CRM datasets.
public enum CRM {}
