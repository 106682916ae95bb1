import Testing
@testable import CrmqCRM
