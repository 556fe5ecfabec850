# Criteria, rounds, applications, evidence, assessment and awards arrive with the accreditation
# issue.
