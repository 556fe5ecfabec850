"""The draft every new council starts from, in our own plain words, with an easy-read version.

Built on what co-production means in practice. Councils are expected to rewrite it with the people
they serve; it is a starting point, not a template to sign as it stands.
"""

TITLE = "Our co-production charter"

INTRODUCTION = (
    "Co-production means people who use services, their families and carers working as equal "
    "partners with the people who plan and run those services. This charter sets out what we "
    "promise to do so that nothing about you is decided without you."
)

EASY_READ_INTRODUCTION = (
    "This is our promise. We will work with you as equals. We will not make choices about you "
    "without you."
)

PRINCIPLES = [
    (
        "Equal partnership",
        "We share power. Everyone at the table has knowledge that matters, and decisions are "
        "made together, not handed down.",
        "We work together as equals. Your ideas matter as much as ours.",
    ),
    (
        "Involved from the beginning to the end",
        "We involve people at every stage: when we plan a service, when we deliver it, and when "
        "we check whether it is working.",
        "We ask you at the start. We ask you while we do the work. We ask you if it worked.",
    ),
    (
        "Nothing about us without us",
        "No decision about people's lives or the services they use is made without the people it "
        "affects.",
        "We will not decide things about you without you.",
    ),
    (
        "Accessible information and meetings",
        "We share information in ways people can use: plain English, easy read, other languages "
        "and formats. Meetings are at times and places people can get to, with the support they "
        "need to take part.",
        "We make things easy to read. We hold meetings where you can get to them. We give you "
        "help if you need it.",
    ),
    (
        "Valuing people's time and expertise",
        "People's time and lived experience are valued. We pay or reimburse people fairly, cover "
        "expenses, and recognise what they bring.",
        "Your time is important. We pay you back for your time and costs.",
    ),
    (
        "You said, we did",
        "We tell people what changed because of what they told us, and explain honestly when "
        "something could not change and why.",
        "We tell you what we changed because of what you said. If we could not change something, "
        "we tell you why.",
    ),
    (
        "Children, young people and families at the heart",
        "Children, young people and their families shape the services that are for them, in ways "
        "that suit their age, needs and lives.",
        "Children, young people and families help make the services that are for them.",
    ),
]
