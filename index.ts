// The drill program. Components are composed here once they exist (see components/).
export {};
